from .api_keys import ApiKey, IdempotencyKey
from .bookings import Booking, BookingEvent
from .calendars import BusyTime, CalendarEvent, HostCalendar
from .hosts import AvailabilityWindow, Host
from .meeting_types import MeetingType
from .meetings import ZoomMeeting
from .out_of_office import OutOfOffice
from .pages import BookingPage, BookingPageMixin
from .reminders import Reminder
from .settings import ZoomDefaults

__all__ = [
    "ApiKey",
    "AvailabilityWindow",
    "Booking",
    "BookingEvent",
    "BookingPage",
    "BookingPageMixin",
    "BusyTime",
    "CalendarEvent",
    "Host",
    "HostCalendar",
    "IdempotencyKey",
    "MeetingType",
    "OutOfOffice",
    "Reminder",
    "ZoomDefaults",
    "ZoomMeeting",
]
