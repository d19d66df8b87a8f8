"""The fake Zoom itself: it must be as strict as Zoom's spec and fail the way Zoom does."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.zoom_fake import spec as zoom_spec
from tests.zoom_fake.server import CREATE, MEETING, FakeZoom

HOST = "host@example.com"
START = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def api(fake_zoom):
    """A ``requests`` session already holding a token from the fake."""
    session = requests.Session()
    token = session.post(
        fake_zoom.token_url,
        data={"grant_type": "account_credentials", "account_id": fake_zoom.account_id},
        auth=(fake_zoom.client_id, fake_zoom.client_secret),
        timeout=5,
    ).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def url(fake, path):
    return fake.base_url + path


def create(fake, api, **body):
    return api.post(
        url(fake, f"/users/{HOST}/meetings"),
        json={"topic": "Demo", "type": 2, "start_time": START, "duration": 30, **body},
        timeout=5,
    )


# OAuth


def test_token_endpoint_issues_bearer_tokens_for_account_credentials(fake_zoom):
    answer = requests.post(
        fake_zoom.token_url,
        data={"grant_type": "account_credentials", "account_id": fake_zoom.account_id},
        auth=(fake_zoom.client_id, fake_zoom.client_secret),
        timeout=5,
    )

    assert answer.status_code == 200
    assert answer.json().keys() >= {"access_token", "token_type", "expires_in", "scope"}
    assert answer.json()["expires_in"] == fake_zoom.token_ttl


@pytest.mark.parametrize(
    "auth, form, status, error",
    [
        (("fake-client-id", "nope"), {}, 401, "invalid_client"),
        (None, {}, 401, "invalid_client"),
        (("fake-client-id", "fake-client-secret"), {"grant_type": "password"}, 400, None),
        (("fake-client-id", "fake-client-secret"), {"account_id": "other"}, 400, None),
    ],
    ids=["wrong-secret", "no-auth", "wrong-grant", "wrong-account"],
)
def test_token_endpoint_refuses_what_zoom_refuses(fake_zoom, auth, form, status, error):
    data = {"grant_type": "account_credentials", "account_id": fake_zoom.account_id, **form}

    answer = requests.post(fake_zoom.token_url, data=data, auth=auth, timeout=5)

    assert answer.status_code == status
    assert error is None or answer.json()["error"] == error
    assert fake_zoom.tokens == {}


@pytest.mark.parametrize("header", [None, "Bearer made-up", "Basic abc"])
def test_api_refuses_requests_without_an_issued_token(fake_zoom, header):
    headers = {"Authorization": header} if header else {}

    answer = requests.get(url(fake_zoom, "/meetings/1"), headers=headers, timeout=5)

    assert (answer.status_code, answer.json()["code"]) == (401, 124)


def test_expired_token_is_refused_with_code_124(fake_zoom, api):
    fake_zoom.token_ttl = 0
    api.headers["Authorization"] = (
        "Bearer "
        + api.post(
            fake_zoom.token_url,
            data={"grant_type": "account_credentials", "account_id": fake_zoom.account_id},
            auth=(fake_zoom.client_id, fake_zoom.client_secret),
            timeout=5,
        ).json()["access_token"]
    )

    answer = api.get(url(fake_zoom, "/meetings/1"), timeout=5)

    assert answer.json() == {"code": 124, "message": "Access token is expired."}


# Validation against the spec


@pytest.mark.parametrize(
    "body, problem",
    [
        ({"passcode": "abc"}, "body.passcode: not a property"),
        ({"duration": "30"}, "body.duration: expected integer"),
        ({"type": 5}, "body.type: 5 is not one of"),
        ({"topic": "x" * 201}, "body.topic: longer than 200"),
        ({"start_time": "tomorrow 10am"}, "body.start_time: 'tomorrow 10am' is not a date-time"),
        ({"password": "has space"}, "body.password: 'has space' breaks"),
        ({"settings": {"auto_recording": "always"}}, "body.settings.auto_recording"),
        ({"settings": {"waiting_room": "yes"}}, "body.settings.waiting_room: expected boolean"),
    ],
)
def test_request_bodies_breaking_the_spec_are_refused_and_recorded(fake_zoom, api, body, problem):
    answer = create(fake_zoom, api, **body)

    assert answer.status_code == 400
    assert answer.json()["code"] == 300
    assert any(problem in e for e in fake_zoom.validation_errors), fake_zoom.validation_errors
    assert fake_zoom.meetings == {}
    fake_zoom.validation_errors.clear()


def test_query_parameters_breaking_the_spec_are_refused(fake_zoom, api):
    answer = api.get(
        url(fake_zoom, f"/users/{HOST}/meetings"), params={"type": "soon", "page_size": 301}
    )

    assert answer.status_code == 400
    assert len(fake_zoom.validation_errors) == 2
    fake_zoom.validation_errors.clear()


def test_body_that_is_not_json_is_refused(fake_zoom, api):
    answer = api.post(url(fake_zoom, f"/users/{HOST}/meetings"), data=b"topic=Demo", timeout=5)

    assert answer.json()["code"] == 300
    assert fake_zoom.validation_errors
    fake_zoom.validation_errors.clear()


def test_validator_reports_keywords_it_does_not_implement():
    assert zoom_spec.validate({"oneOf": [{"type": "string"}]}, "x") == [
        "body: the validator does not implement ['oneOf']"
    ]


def test_validator_checks_int64_range():
    schema = {"type": "integer", "format": "int64"}

    assert zoom_spec.validate(schema, 2**63 - 1) == []
    assert zoom_spec.validate(schema, 2**63) == ["body: outside int64"]


def test_spec_location_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(zoom_spec.SPEC_ENV, str(tmp_path / "missing.json"))

    with pytest.raises(FileNotFoundError, match="PMC_ZOOM_SPEC"):
        FakeZoom()

    monkeypatch.setenv(
        zoom_spec.SPEC_ENV, str(zoom_spec.REPO_ROOT.parent / zoom_spec.SPEC_RELATIVE)
    )
    assert zoom_spec.spec_path().is_file()


# Answers


def test_answers_match_the_spec_response_schemas(fake_zoom, api):
    fake_zoom.list_includes_agenda = True
    created = create(fake_zoom, api, password="Ab3dEf9h", agenda="[pmc:bk_x]").json()
    fetched = api.get(url(fake_zoom, f"/meetings/{created['id']}"), timeout=5).json()
    listed = api.get(url(fake_zoom, f"/users/{HOST}/meetings"), timeout=5).json()

    schemas = [
        (created, (CREATE, "POST", 201)),
        (fetched, (MEETING, "GET", 200)),
        (listed, (CREATE, "GET", 200)),
    ]
    for answer, operation in schemas:
        schema = zoom_spec.response_schema(fake_zoom.spec, *operation)
        assert zoom_spec.validate(schema, answer, "answer") == []


def test_answers_carry_the_secrets_zoom_sends(fake_zoom, api):
    created = create(fake_zoom, api, password="Ab3dEf9h").json()

    assert "zak=" in created["start_url"]
    assert created["start_url"] in fake_zoom.secret_values()
    assert created["password"] == "Ab3dEf9h"
    assert created["h323_password"] and created["id"] > 2**53


def test_unknown_meeting_answers_code_3001(fake_zoom, api):
    for method in ("GET", "PATCH", "DELETE"):
        body = {"topic": "x"} if method == "PATCH" else None
        answer = api.request(method, url(fake_zoom, "/meetings/42"), json=body, timeout=5)
        assert (answer.status_code, answer.json()["code"]) == (404, 3001)


def test_listing_pages_with_next_page_token(fake_zoom, api):
    for n in range(5):
        fake_zoom.add_meeting(HOST, start_time=datetime.now(UTC) + timedelta(hours=n + 1))
    ids, params = [], {"type": "upcoming", "page_size": 2}

    while True:
        page = api.get(url(fake_zoom, f"/users/{HOST}/meetings"), params=params, timeout=5).json()
        ids += [m["id"] for m in page["meetings"]]
        if not page["next_page_token"]:
            break
        params["next_page_token"] = page["next_page_token"]

    assert ids == sorted(fake_zoom.meetings, key=lambda i: fake_zoom.meetings[i]["start_time"])


def test_listing_leaves_the_agenda_out_unless_asked(fake_zoom, api):
    create(fake_zoom, api, agenda="[pmc:bk_x]")

    listed = api.get(url(fake_zoom, f"/users/{HOST}/meetings"), timeout=5).json()

    assert "agenda" not in listed["meetings"][0]


# Faults


def test_faults_are_used_up_in_order(fake_zoom, api):
    fake_zoom.fail_next("500", count=2)
    fake_zoom.fail_next("429", retry_after="3")

    statuses = [api.get(url(fake_zoom, "/meetings/1"), timeout=5).status_code for _ in range(4)]

    assert statuses == [500, 500, 429, 404]


def test_fault_waits_for_a_request_that_reaches_its_stage(fake_zoom, api):
    fake_zoom.fail_next("lost_response")

    refused = requests.post(url(fake_zoom, f"/users/{HOST}/meetings"), json={}, timeout=5)
    assert refused.status_code == 401
    with pytest.raises(requests.ConnectionError):
        create(fake_zoom, api)

    assert len(fake_zoom.meetings) == 1


def test_unknown_fault_is_refused(fake_zoom):
    with pytest.raises(ValueError):
        fake_zoom.fail_next("slow")
    with pytest.raises(ValueError):
        fake_zoom.fail_next("expired_token", target="token")


def test_held_request_ends_when_the_fake_stops():
    fake = FakeZoom().start()
    fake.tokens.update(fake_token=time.monotonic() + 60)
    fake.set_fault("timeout", seconds=30)
    outcome = []

    def call():
        try:
            requests.get(
                url(fake, "/meetings/1"), headers={"Authorization": "Bearer fake_token"}, timeout=60
            )
        except requests.ConnectionError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    assert fake.wait_for(lambda: len(fake.calls) == 1)
    started = time.monotonic()
    fake.stop()
    caller.join(5)

    assert not caller.is_alive() and outcome
    assert time.monotonic() - started < 2


def test_paused_fake_refuses_connections_on_the_same_port(fake_zoom, api):
    port = fake_zoom.port
    fake_zoom.pause()

    with pytest.raises(requests.ConnectionError):
        requests.get(url(fake_zoom, "/meetings/1"), timeout=5)

    fake_zoom.resume()
    assert fake_zoom.port == port
    assert api.get(url(fake_zoom, "/meetings/1"), timeout=5).status_code == 404
