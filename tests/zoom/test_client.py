"""The Zoom client against the loopback fake Zoom: real HTTP, no mocked requests."""

import logging
import threading
import time
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from tests.zoom_fake.server import http_date
from wagtail_pmc_booking.zoom import client as client_module
from wagtail_pmc_booking.zoom import sandbox
from wagtail_pmc_booking.zoom.backends import get_client
from wagtail_pmc_booking.zoom.client import ZoomClient
from wagtail_pmc_booking.zoom.desired import meeting_settings
from wagtail_pmc_booking.zoom.errors import (
    ZoomAuthError,
    ZoomBadRequest,
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomUnavailable,
    parse_retry_after,
)
from wagtail_pmc_booking.zoom.sandbox import SandboxZoomClient
from wagtail_pmc_booking.zoom.wire import (
    PASSCODE_RE,
    Meeting,
    MeetingSettings,
    agenda_marker,
    generate_passcode,
    settings_body,
)

HOST = "host@example.com"
START = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
DEMO_TYPE = SimpleNamespace(
    zoom_waiting_room=True,
    zoom_join_before_host=False,
    zoom_mute_upon_entry=True,
    zoom_auto_recording="cloud",
)


def create(client, public_id="bk_testbooking0001", **overrides):
    arguments = {
        "topic": "Product Demo with Ada",
        "start_time": START,
        "duration": 30,
        "timezone": "Europe/Berlin",
        "agenda": f"{agenda_marker(public_id)} Product Demo",
        "settings": meeting_settings(DEMO_TYPE),
        "passcode": "Pmc456ab",
    }
    return client.create_meeting(HOST, **{**arguments, **overrides})


def client_for(fake, **overrides):
    arguments = {
        "account_id": fake.account_id,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "api_base_url": fake.base_url,
        "token_url": fake.token_url,
        "timeout": (0.5, 0.5),
    }
    return ZoomClient(**{**arguments, **overrides})


def seconds_to_utc_midnight():
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


# OAuth token


def test_one_token_serves_every_client_of_the_process(fake_zoom):
    meeting = fake_zoom.add_meeting(HOST, start_time=START)

    for client in (ZoomClient.from_settings(), ZoomClient.from_settings()):
        client.get_meeting(meeting["id"])
        client.get_meeting(meeting["id"])

    assert fake_zoom.token_requests == 1


def test_token_is_replaced_a_minute_before_it_expires(fake_zoom):
    now = [1_700_000_000.0]
    client = client_for(fake_zoom, clock=lambda: now[0])
    meeting = fake_zoom.add_meeting(HOST, start_time=START)

    client.get_meeting(meeting["id"])
    now[0] += fake_zoom.token_ttl - 61
    client.get_meeting(meeting["id"])
    assert fake_zoom.token_requests == 1

    now[0] += 2
    client.get_meeting(meeting["id"])
    assert fake_zoom.token_requests == 2


def test_token_living_under_a_minute_is_used_once_and_not_kept(fake_zoom):
    fake_zoom.token_ttl = 60
    meeting = fake_zoom.add_meeting(HOST, start_time=START)
    client = ZoomClient.from_settings()

    client.get_meeting(meeting["id"])
    client.get_meeting(meeting["id"])

    assert fake_zoom.token_requests == 2


def test_rejected_token_is_replaced_and_the_call_retried_once(fake_zoom, zoom_client):
    meeting = fake_zoom.add_meeting(HOST, start_time=START)
    zoom_client.get_meeting(meeting["id"])
    fake_zoom.fail_next("expired_token")

    assert zoom_client.get_meeting(meeting["id"]).id == meeting["id"]

    first, rejected, retried = fake_zoom.calls_to("GET")
    assert rejected.headers["Authorization"] == first.headers["Authorization"]
    assert retried.headers["Authorization"] != rejected.headers["Authorization"]
    assert fake_zoom.token_requests == 2


def test_token_rejected_again_after_refresh_is_an_auth_error_not_a_loop(fake_zoom, zoom_client):
    meeting = fake_zoom.add_meeting(HOST, start_time=START)
    fake_zoom.set_fault("expired_token")

    with pytest.raises(ZoomAuthError):
        zoom_client.get_meeting(meeting["id"])

    assert len(fake_zoom.calls_to("GET")) == 2
    assert fake_zoom.token_requests == 2


def test_concurrent_workers_make_one_token_request(fake_zoom):
    meeting = fake_zoom.add_meeting(HOST, start_time=START)
    release_tokens = fake_zoom.hold_token_requests()
    # One client each, as separate processes would have; only the cache is shared. Eight
    # threads on two cores may wait their turn longer than the fixture's 0.5 s timeout.
    clients = [ZoomClient.from_settings().with_timeout((5, 5)) for _ in range(8)]
    started = threading.Barrier(len(clients) + 1)
    results, errors = [], []

    def work(client):
        started.wait()
        try:
            results.append(client.get_meeting(meeting["id"]).id)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    started.wait()
    assert fake_zoom.wait_for(lambda: fake_zoom.token_requests >= 1)
    release_tokens.set()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert results == [meeting["id"]] * len(clients)
    assert fake_zoom.token_requests == 1


def test_wrong_credentials_are_an_auth_error_that_keeps_the_secret(fake_zoom):
    client = client_for(fake_zoom, client_secret="wrong-secret-8c1f0a")

    with pytest.raises(ZoomAuthError) as caught:
        client.get_meeting(1)

    assert "wrong-secret-8c1f0a" not in repr(caught.value)
    assert "wrong-secret-8c1f0a" not in repr(client)
    assert fake_zoom.calls == []


def test_token_endpoint_outage_is_unavailable(fake_zoom, zoom_client):
    fake_zoom.fail_next("500", target="token")

    with pytest.raises(ZoomUnavailable):
        zoom_client.get_meeting(1)


# Failures


def test_server_error_is_unavailable(fake_zoom, zoom_client):
    fake_zoom.fail_next("500", status=503)

    with pytest.raises(ZoomUnavailable) as caught:
        create(zoom_client)

    assert caught.value.status == 503
    assert not isinstance(caught.value, ZoomRateLimited)


def test_timeout_is_unavailable_within_the_read_timeout(fake_zoom, zoom_client):
    zoom_client.list_upcoming_meetings(HOST)
    fake_zoom.fail_next("timeout")
    started = time.monotonic()

    with pytest.raises(ZoomUnavailable, match="no answer"):
        zoom_client.list_upcoming_meetings(HOST)

    assert time.monotonic() - started < 2


def test_dropped_connection_is_unavailable(fake_zoom, zoom_client):
    fake_zoom.fail_next("refused")

    with pytest.raises(ZoomUnavailable, match="connection failed"):
        zoom_client.list_upcoming_meetings(HOST)


def test_refused_connection_is_unavailable_until_zoom_listens_again(fake_zoom, zoom_client):
    zoom_client.list_upcoming_meetings(HOST)
    fake_zoom.pause()

    with pytest.raises(ZoomUnavailable, match="connection failed"):
        zoom_client.list_upcoming_meetings(HOST)

    fake_zoom.resume()
    assert zoom_client.list_upcoming_meetings(HOST) == []


def test_rate_limit_gives_retry_after_in_seconds(fake_zoom, zoom_client):
    fake_zoom.fail_next("429", retry_after="7")

    with pytest.raises(ZoomRateLimited) as caught:
        create(zoom_client)

    assert caught.value.retry_after == 7.0
    assert caught.value.daily is False


def test_rate_limit_gives_retry_after_from_an_http_date(fake_zoom, zoom_client):
    fake_zoom.fail_next("429", retry_after=http_date(datetime.now(UTC) + timedelta(seconds=120)))

    with pytest.raises(ZoomRateLimited) as caught:
        create(zoom_client)

    assert 110 <= caught.value.retry_after <= 121


def test_rate_limit_without_retry_after_leaves_it_unknown(fake_zoom, zoom_client):
    fake_zoom.fail_next("429", retry_after=None)

    with pytest.raises(ZoomRateLimited) as caught:
        create(zoom_client)

    assert caught.value.retry_after is None


@pytest.mark.parametrize(
    "options",
    [{}, {"retry_after": None}, {"legacy": True}],
    ids=["retry-after-instant", "no-retry-after", "http-300"],
)
def test_daily_create_limit_is_rate_limited_until_utc_midnight(fake_zoom, zoom_client, options):
    fake_zoom.fail_next("daily_limit", **options)

    with pytest.raises(ZoomRateLimited) as caught:
        create(zoom_client)

    assert caught.value.daily is True
    assert abs(caught.value.retry_after - seconds_to_utc_midnight()) < 5
    assert fake_zoom.meetings == {}


def test_request_zoom_rejects_is_a_bad_request(fake_zoom, zoom_client):
    with pytest.raises(ZoomBadRequest) as caught:
        unknown = replace(meeting_settings(DEMO_TYPE), auto_recording="sometimes")
        create(zoom_client, settings=unknown)

    assert caught.value.code == 300
    assert fake_zoom.validation_errors
    fake_zoom.validation_errors.clear()


def test_unknown_user_is_not_found(fake_zoom, zoom_client):
    fake_zoom.users = {"someone-else@example.com"}

    with pytest.raises(ZoomNotFound) as caught:
        create(zoom_client)

    assert caught.value.code == 1001


def test_unknown_meeting_is_not_found(fake_zoom, zoom_client):
    with pytest.raises(ZoomNotFound) as caught:
        zoom_client.get_meeting(123456789)

    assert caught.value.code == 3001


def test_deleting_removes_the_meeting_and_a_gone_one_counts_as_deleted(fake_zoom, zoom_client):
    meeting = create(zoom_client)

    zoom_client.delete_meeting(meeting.id)
    zoom_client.delete_meeting(meeting.id)

    assert fake_zoom.meetings == {}
    assert [c.path for c in fake_zoom.calls_to("DELETE")] == [f"/v2/meetings/{meeting.id}"] * 2


@pytest.mark.parametrize("mode", ["reset", "hang"])
def test_create_whose_answer_is_lost_can_be_found_instead_of_repeated(fake_zoom, zoom_client, mode):
    fake_zoom.fail_next("lost_response", method="POST", mode=mode)

    with pytest.raises(ZoomUnavailable):
        create(zoom_client, public_id="bk_lostanswer0001")

    assert len(fake_zoom.meetings) == 1
    found = zoom_client.find_meeting_by_agenda_marker(HOST, "bk_lostanswer0001")
    assert found.id == next(iter(fake_zoom.meetings))
    assert found.passcode == "Pmc456ab"


# Requests and answers


def test_create_sends_a_scheduled_meeting_in_utc_that_the_spec_accepts(fake_zoom, zoom_client):
    meeting = create(zoom_client, alternative_hosts=["a@example.com", "b@example.com"])

    (call,) = fake_zoom.calls_to("POST")
    assert call.path == f"/v2/users/{HOST}/meetings"
    assert call.body == {
        "type": 2,
        "topic": "Product Demo with Ada",
        "start_time": START.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": 30,
        "timezone": "Europe/Berlin",
        "agenda": "[pmc:bk_testbooking0001] Product Demo",
        "password": "Pmc456ab",
        "settings": {
            "waiting_room": True,
            "join_before_host": False,
            "mute_upon_entry": True,
            "auto_recording": "cloud",
            "alternative_hosts": "a@example.com;b@example.com",
        },
    }
    assert fake_zoom.validation_errors == []
    assert meeting.start_time == START
    assert meeting.join_url == fake_zoom.meetings[meeting.id]["join_url"]


def test_start_time_in_any_zone_is_sent_as_utc(fake_zoom, zoom_client):
    from zoneinfo import ZoneInfo

    create(zoom_client, start_time=datetime(2031, 3, 30, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))

    assert fake_zoom.calls_to("POST")[0].body["start_time"] == "2031-03-30T07:00:00Z"


def test_naive_start_time_is_refused_before_calling_zoom(fake_zoom, zoom_client):
    with pytest.raises(ValueError):
        create(zoom_client, start_time=START.replace(tzinfo=None))

    assert fake_zoom.calls == []


def test_update_sends_only_the_changed_fields(fake_zoom, zoom_client):
    meeting = create(zoom_client)
    later = START + timedelta(hours=2)

    zoom_client.update_meeting(meeting.id, start_time=later, duration=45)

    assert fake_zoom.calls_to("PATCH")[0].body == {
        "start_time": later.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": 45,
    }
    updated = zoom_client.get_meeting(meeting.id)
    assert (updated.start_time, updated.duration) == (later, 45)


def test_update_refuses_fields_it_does_not_know(fake_zoom, zoom_client):
    with pytest.raises(TypeError):
        zoom_client.update_meeting(1, start_url="x")


def test_meeting_ids_beyond_53_bits_survive_exactly(fake_zoom, zoom_client):
    meeting = create(zoom_client)

    assert meeting.id > 2**53
    assert zoom_client.get_meeting(meeting.id).id == meeting.id
    assert meeting.id in fake_zoom.meetings


def test_listing_follows_every_page(fake_zoom, zoom_client):
    for n in range(650):
        fake_zoom.add_meeting(HOST, start_time=START + timedelta(minutes=n))
    fake_zoom.add_meeting("other@example.com", start_time=START)
    fake_zoom.add_meeting(HOST, start_time=datetime.now(UTC) - timedelta(days=1))

    meetings = zoom_client.list_upcoming_meetings(HOST)

    assert len(meetings) == 650
    pages = fake_zoom.calls_to("GET")
    assert len(pages) == 3
    assert all(p.query["page_size"] == "300" and p.query["type"] == "upcoming" for p in pages)


def test_listing_that_never_ends_is_cut_off_with_an_error(fake_zoom, zoom_client, monkeypatch):
    monkeypatch.setattr(client_module, "LIST_MAX_PAGES", 2)
    for n in range(601):
        fake_zoom.add_meeting(HOST, start_time=START + timedelta(minutes=n))

    with pytest.raises(ZoomError, match="more pages"):
        zoom_client.list_upcoming_meetings(HOST)


@pytest.mark.parametrize("listed_with_agenda, expected_gets", [(True, 1), (False, 2)])
def test_finding_by_marker_fetches_only_meetings_that_may_match(
    fake_zoom, zoom_client, listed_with_agenda, expected_gets
):
    fake_zoom.list_includes_agenda = listed_with_agenda
    create(zoom_client, public_id="bk_first0000001")
    wanted = create(zoom_client, public_id="bk_wanted000001", start_time=START + timedelta(hours=1))
    create(zoom_client, public_id="bk_third0000001", start_time=START + timedelta(hours=2))

    found = zoom_client.find_meeting_by_agenda_marker(HOST, "bk_wanted000001")

    assert found == zoom_client.get_meeting(wanted.id)
    assert len(fake_zoom.calls_to("GET", "/meetings/{meetingId}")) == expected_gets + 1


def test_finding_an_absent_marker_gives_none(fake_zoom, zoom_client):
    create(zoom_client, public_id="bk_present000001")

    assert zoom_client.find_meeting_by_agenda_marker(HOST, "bk_present00000") is None


def test_start_url_is_fetched_fresh(fake_zoom, zoom_client):
    meeting = create(zoom_client)

    first = zoom_client.get_start_url(meeting.id)
    second = zoom_client.get_start_url(meeting.id)

    assert second == fake_zoom.meetings[meeting.id]["start_url"]
    assert first != second


@pytest.mark.parametrize(
    "header, expected",
    [
        ("120", 120.0),
        ("-5", 0.0),
        ("Wed, 01 Jan 2031 00:02:00 GMT", 120.0),
        ("2031-01-01T00:02:00Z", 120.0),
        ("soon", None),
        ("nan", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_http_date_or_instant(header, expected):
    now = datetime(2031, 1, 1, tzinfo=UTC)

    assert parse_retry_after(header, now) == expected


# Secrets


def test_meeting_holds_no_host_secrets(fake_zoom, zoom_client):
    meeting = create(zoom_client)

    names = {f.name for f in fields(Meeting)}
    assert not names & {"start_url", "host_key", "dynamic_host_key", "zak"}
    shown = repr(meeting) + str(meeting) + repr(zoom_client.get_meeting(meeting.id))
    assert not [s for s in fake_zoom.secret_values() if s in shown]
    assert meeting.passcode not in shown


def test_error_messages_and_logs_carry_no_secrets(fake_zoom, zoom_client, caplog):
    caplog.set_level(logging.DEBUG)
    meeting = create(zoom_client)
    zoom_client.get_start_url(meeting.id)
    failures = []
    for kind, options in [
        ("500", {}),
        ("429", {}),
        ("daily_limit", {}),
        ("expired_token", {"count": 2}),
        ("refused", {}),
        ("lost_response", {}),
    ]:
        fake_zoom.fail_next(kind, **options)
        with pytest.raises(ZoomError) as caught:
            zoom_client.update_meeting(meeting.id, topic="Renamed")
        failures.append(caught.value)
    with pytest.raises(ZoomNotFound) as caught:
        zoom_client.get_meeting(1)
    failures.append(caught.value)

    text = "\n".join(repr(e) + str(e) for e in failures) + "\n".join(caplog.messages)
    assert [s for s in fake_zoom.secret_values() if s in text] == []


# Passcodes and settings


@given(st.integers(min_value=3, max_value=10))
def test_generated_passcodes_follow_zoom_rules(length):
    passcode = generate_passcode(length)

    assert PASSCODE_RE.fullmatch(passcode)
    assert len(passcode) == length
    assert any(c.isdigit() for c in passcode)
    assert any(c.islower() for c in passcode) and any(c.isupper() for c in passcode)


def test_default_passcode_has_eight_characters_and_varies():
    passcodes = {generate_passcode() for _ in range(50)}

    assert {len(p) for p in passcodes} == {8}
    assert len(passcodes) == 50


@pytest.mark.parametrize("length", [2, 11])
def test_passcode_length_outside_zoom_rules_is_refused(length):
    with pytest.raises(ValueError):
        generate_passcode(length)


def test_passcode_breaking_zoom_rules_is_refused_before_calling_zoom(fake_zoom, zoom_client):
    with pytest.raises(ValueError):
        create(zoom_client, passcode="no spaces!")

    assert fake_zoom.calls == []


def test_meeting_settings_follow_the_meeting_type():
    relaxed = SimpleNamespace(
        zoom_waiting_room=False,
        zoom_join_before_host=True,
        zoom_mute_upon_entry=False,
        zoom_auto_recording="",
    )

    assert meeting_settings(relaxed) == MeetingSettings(
        waiting_room=False, join_before_host=True, mute_upon_entry=False, auto_recording="none"
    )
    assert settings_body(meeting_settings(relaxed)) == {
        "waiting_room": False,
        "join_before_host": True,
        "mute_upon_entry": False,
        "auto_recording": "none",
    }


# Choosing the backend


def test_backend_is_the_sandbox_without_credentials(settings):
    settings.WAGTAIL_PMC_BOOKING = {"ZOOM_BACKEND": None}

    assert get_client().is_sandbox


def test_backend_is_zoom_when_credentials_are_set(settings):
    settings.WAGTAIL_PMC_BOOKING = {
        "ZOOM_ACCOUNT_ID": "acc",
        "ZOOM_CLIENT_ID": "cid",
        "ZOOM_CLIENT_SECRET": "secret",
    }

    client = get_client()

    assert isinstance(client, ZoomClient) and not client.is_sandbox
    assert get_client() is client


def test_backend_sandbox_can_be_forced_despite_credentials(settings):
    settings.WAGTAIL_PMC_BOOKING = {
        "ZOOM_BACKEND": "sandbox",
        "ZOOM_ACCOUNT_ID": "acc",
        "ZOOM_CLIENT_ID": "cid",
        "ZOOM_CLIENT_SECRET": "secret",
    }

    assert isinstance(get_client(), SandboxZoomClient)


@pytest.mark.parametrize("backend", ["zoom", "teams"])
def test_backend_misconfiguration_is_reported(settings, backend):
    settings.WAGTAIL_PMC_BOOKING = {"ZOOM_BACKEND": backend}

    with pytest.raises(ImproperlyConfigured):
        get_client()


def test_get_client_uses_the_fake_in_tests(fake_zoom):
    get_client().list_upcoming_meetings(HOST)

    assert len(fake_zoom.calls) == 1


# The sandbox


@pytest.fixture(params=["zoom", "sandbox"])
def any_backend(request):
    if request.param == "sandbox":
        sandbox.reset_sandbox()
        yield SandboxZoomClient()
        sandbox.reset_sandbox()
    else:
        yield request.getfixturevalue("zoom_client")


def test_sandbox_behaves_like_zoom(any_backend):
    client = any_backend
    meeting = create(client, public_id="bk_samebehaviour1")

    assert client.get_meeting(meeting.id) == client.find_meeting_by_agenda_marker(
        HOST, "bk_samebehaviour1"
    )
    assert (meeting.start_time, meeting.duration, meeting.passcode) == (START, 30, "Pmc456ab")
    client.update_meeting(meeting.id, topic="Renamed", duration=60)
    updated = client.get_meeting(meeting.id)
    assert (updated.topic, updated.duration, updated.start_time) == ("Renamed", 60, START)
    assert [m.id for m in client.list_upcoming_meetings(HOST)] == [meeting.id]
    assert client.get_start_url(meeting.id).startswith("https://")
    with pytest.raises(ValueError):
        create(client, start_time=START.replace(tzinfo=None))

    client.delete_meeting(meeting.id)
    client.delete_meeting(meeting.id)
    with pytest.raises(ZoomNotFound):
        client.get_meeting(meeting.id)
    with pytest.raises(ZoomNotFound):
        client.update_meeting(meeting.id, topic="Gone")
    assert client.list_upcoming_meetings(HOST) == []


def test_sandbox_meetings_are_marked_and_numbered_reproducibly():
    sandbox.reset_sandbox()
    client = SandboxZoomClient()
    first = create(client)
    twin = create(client)
    sandbox.reset_sandbox()
    again = create(client)

    assert client.is_sandbox
    assert len(str(first.id)) == 11 and str(first.id).startswith("9")
    assert first.join_url == f"https://zoom.us/j/{first.id}?pmc_sandbox=1"
    assert twin.id != first.id
    assert again.id == first.id
    sandbox.reset_sandbox()
