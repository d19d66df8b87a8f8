"""Signals of the booking lifecycle: the one way side effects learn of a change.

``booking.py`` writes, then sends ``booking_changed`` once the transaction commits. Each
feature package subscribes in its own ``receivers.py`` (connected from
``AppConfig.ready``, in the order listed there: Zoom before notifications, so the emails
carry the join link). Receivers get ids, load what they need, and must not raise; the
sender logs a failure and the other receivers still run. See docs/architecture.md.
"""

from django.dispatch import Signal

# Sent after a booking change is committed. Keyword arguments: ``booking_pk`` (int) and
# ``change`` (``changes.Change``); ``sender`` is the ``Booking`` model.
booking_changed = Signal()

# Sent when a booking's Zoom meeting was made after the booking's own email went out, so
# the attendee can be sent the link. Keyword argument: ``booking_pk``; sender ``Booking``.
meeting_ready = Signal()

# Sent inside the transaction that appends a line to a booking's audit trail, right
# after the ``BookingEvent`` row is written, so a receiver's own rows (the webhook
# outbox) commit or roll back with it. Keyword argument: ``event`` (``BookingEvent``);
# sender ``BookingEvent``. Receivers may only write rows: no network, no email.
booking_event_recorded = Signal()
