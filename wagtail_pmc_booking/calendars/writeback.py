"""Write bookings into hosts' CalDAV calendars (interface; being implemented for issue 11)."""


def write_booking(booking_pk: int) -> None:
    raise NotImplementedError
