from .api_keys import ApiKey, IdempotencyKey
from .attendance import Attendance, Participant
from .bookings import Booking, BookingEvent
from .calendars import BusyTime, CalendarEvent, HostCalendar
from .hosts import AvailabilityWindow, DateOverride, Host
from .meeting_types import MeetingType
from .meetings import ZoomMeeting
from .out_of_office import OutOfOffice
from .pages import BookingPage, BookingPageMixin
from .reminders import Reminder
from .settings import ZoomDefaults
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiKey",
    "Attendance",
    "AvailabilityWindow",
    "DateOverride",
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
    "Participant",
    "Reminder",
    "WebhookDelivery",
    "WebhookEndpoint",
    "ZoomDefaults",
    "ZoomMeeting",
]
