"""Signals of the booking lifecycle, for integrations that act on committed changes."""

from django.dispatch import Signal

# Sent once a booking change is committed, before its emails are queued, so a receiver
# that acts quickly (the Zoom integration creating the meeting) is reflected in them.
# Keyword arguments: ``booking_pk`` and ``change`` ("created", "rescheduled" or
# "cancelled"); ``sender`` is the ``Booking`` model. Receivers load the booking themselves
# and must not raise: failures are logged and the emails still go out.
booking_committed = Signal()
