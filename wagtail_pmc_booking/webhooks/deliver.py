"""Sending a delivery: claim it, POST it signed, then deliver, retry later, or give up.

A sender claims a row with one conditional UPDATE (pending, due, claim free or older
than the lease), so two senders never post one attempt twice, and a sender killed
mid-POST leaves a claim the sweep takes again after the lease: at least once, with the
same ``X-PMC-Delivery``. The POST runs outside any transaction. Errors name the host
only; the secret never leaves the signature.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, outbound, retry
from ..conf import booking_settings
from ..models import WebhookDelivery, WebhookEndpoint
from ..models.bookings import EventKind
from ..models.webhooks import DeliveryStatus
from . import signing

logger = logging.getLogger(__name__)

USER_AGENT = "wagtail-pmc-booking-webhooks/1"
# An endpoint's answer is read up to this size; only its status matters.
MAX_ANSWER_BYTES = 64 * 1024
DELIVERED = "delivered"
RETRYING = "failed"  # this attempt failed; another one is planned
GAVE_UP = "gave up"


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    event_id: str
    event_type: str
    url: str
    result: str
    status_code: int | None
    attempts: int
    next_attempt_at: datetime | None
    error: str

    @property
    def delivered(self) -> bool:
        return self.result == DELIVERED


def lease() -> timedelta:
    return timedelta(seconds=float(booking_settings.WEBHOOK_CLAIM_LEASE_SECONDS))


def claimable(now: datetime) -> Q:
    """Pending, for an active endpoint, and not held by a live sender."""
    return Q(status=DeliveryStatus.PENDING, endpoint__is_active=True) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease())
    )


def due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def owed(now: datetime, *, force: bool = False) -> list[int]:
    """Ids of the deliveries a sweep may attempt now (``force``: due or not), oldest first."""
    query = claimable(now) if force else claimable(now) & due(now)
    return list(
        WebhookDelivery.objects.filter(query)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def claim(delivery_pk: int, now: datetime, *, force: bool = False) -> WebhookDelivery | None:
    """Take the row for one attempt (counted now), or None when it is not ours to send."""
    query = claimable(now) if force else claimable(now) & due(now)
    taken = WebhookDelivery.objects.filter(query, pk=delivery_pk).update(
        claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_pk)


def post(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    """POST the stored body, signed now; ``(status, error)``, error empty on a 2xx."""
    endpoint = delivery.endpoint
    body = delivery.payload.encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-PMC-Event": delivery.event_type,
        "X-PMC-Delivery": delivery.event_id,
        "X-PMC-Signature": signing.header(
            endpoint.signing_secrets(now), int(now.timestamp()), body
        ),
    }
    try:
        answer = outbound.request(
            "POST",
            endpoint.url,
            headers=headers,
            data=body,
            timeout=float(booking_settings.WEBHOOK_TIMEOUT_SECONDS),
            max_bytes=MAX_ANSWER_BYTES,
            follow_redirects=False,
        )
    except (outbound.UnsafeURL, outbound.FetchError) as exc:
        return None, str(exc)
    if 200 <= answer.status < 300:
        return answer.status, ""
    host = outbound.host_of(endpoint.url)
    return answer.status, f"{host} answered {answer.status} {answer.reason}".rstrip()


def attempt(
    delivery_pk: int, *, now: datetime | None = None, force: bool = False
) -> Outcome | None:
    """One attempt at a delivery, if it is owed (``force``: even before its next attempt)."""
    moment = now or timezone.now()
    delivery = claim(delivery_pk, moment, force=force)
    if delivery is None:
        return None
    status, error = post(delivery, moment)
    if not error:
        return _delivered(delivery, moment, status)
    return _failed(delivery, moment, status, error)


def _ours(delivery: WebhookDelivery, now: datetime) -> QuerySet[WebhookDelivery]:
    """The row while this sender's claim holds: a sender past its lease writes nothing."""
    return WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, claimed_at=now
    )


def _outcome(delivery: WebhookDelivery, result: str, status: int | None, error: str) -> Outcome:
    return Outcome(
        delivery_id=delivery.pk,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        url=delivery.endpoint.url,
        result=result,
        status_code=status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at if result == RETRYING else None,
        error=error,
    )


def _delivered(delivery: WebhookDelivery, now: datetime, status: int | None) -> Outcome:
    _ours(delivery, now).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=now,
        last_status_code=status,
        last_error="",
        next_attempt_at=None,
        claimed_at=None,
    )
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=False).update(
        failing_since=None
    )
    return _outcome(delivery, DELIVERED, status, "")


def _failed(delivery: WebhookDelivery, now: datetime, status: int | None, error: str) -> Outcome:
    if now >= delivery.give_up_at:
        _ours(delivery, now).update(
            status=DeliveryStatus.FAILED,
            last_status_code=status,
            last_error=error,
            next_attempt_at=None,
            claimed_at=None,
        )
        _record_failure(delivery, error)
        result = GAVE_UP
    else:
        wait = retry.delay(
            delivery.attempts,
            base=booking_settings.WEBHOOK_RETRY_BASE_SECONDS,
            cap=booking_settings.WEBHOOK_RETRY_MAX_SECONDS,
        )
        # The last try is at the end of the window, not after it.
        delivery.next_attempt_at = min(now + timedelta(seconds=wait), delivery.give_up_at)
        _ours(delivery, now).update(
            last_status_code=status,
            last_error=error,
            next_attempt_at=delivery.next_attempt_at,
            claimed_at=None,
        )
        result = RETRYING
    logger.info(
        "Webhook %s %s to %s failed (attempt %s): %s",
        delivery.event_type,
        delivery.event_id,
        outbound.host_of(delivery.endpoint.url),
        delivery.attempts,
        error,
    )
    if _check_health(delivery.endpoint, now):
        result = GAVE_UP
    return _outcome(delivery, result, status, error)


def _record_failure(delivery: WebhookDelivery, error: str) -> None:
    """The booking's trail says which endpoint never got which event."""
    if delivery.booking is None:
        return
    audit.record(
        delivery.booking,
        EventKind.WEBHOOK_FAILED,
        _("Webhook %(event)s not delivered to %(host)s: %(error)s")
        % {
            "event": delivery.event_type,
            "host": outbound.host_of(delivery.endpoint.url),
            "error": error,
        },
        {
            "endpoint_id": delivery.endpoint_id,
            "event_id": delivery.event_id,
            "event_type": delivery.event_type,
        },
    )


def _check_health(endpoint: WebhookEndpoint, now: datetime) -> bool:
    """Note the first failure since the last success; disable after days of failing.

    True when the endpoint was disabled now.
    """
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
            failing_since=now
        )
        return False
    days = float(booking_settings.WEBHOOK_DISABLE_AFTER_DAYS)
    if now - endpoint.failing_since < timedelta(days=days):
        return False
    return disable(endpoint, now, _("Every delivery failed for %(days)g days.") % {"days": days})


def disable(endpoint: WebhookEndpoint, now: datetime, reason: str) -> bool:
    """Stop sending to an endpoint; what it was owed is failed, not kept for later."""
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason
    )
    if not changed:
        return False
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        claimed_at=None,
        last_error=_("The endpoint was disabled."),
    )
    logger.warning(
        "Webhook endpoint %s (%s) disabled: %s", endpoint.pk, outbound.host_of(endpoint.url), reason
    )
    return True


def deliver_due(now: datetime | None = None) -> list[Outcome]:
    """The sweep: every due delivery, and every one whose sender died (stale claim)."""
    moment = now or timezone.now()
    return [o for pk in owed(moment) if (o := attempt(pk, now=moment)) is not None]


def deliver_all_owed(now: datetime | None = None) -> list[Outcome]:
    """``pmc_deliver_webhooks``: every owed delivery now, without waiting for its backoff."""
    moment = now or timezone.now()
    return [
        o
        for pk in owed(moment, force=True)
        if (o := attempt(pk, now=moment, force=True)) is not None
    ]
