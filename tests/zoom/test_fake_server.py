"""The fake Zoom itself: it must be as strict as Zoom's spec and fail the way Zoom does."""

import json
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.zoom_fake import extract_spec_subset
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


# Where the spec comes from


def test_by_default_the_fake_uses_the_subset_shipped_in_the_repository(monkeypatch):
    monkeypatch.delenv(zoom_spec.SPEC_ENV, raising=False)

    assert zoom_spec.spec_path() == zoom_spec.SUBSET_PATH
    assert zoom_spec.SUBSET_PATH.parent == Path(zoom_spec.__file__).resolve().parent
    assert FakeZoom().spec is zoom_spec.load_spec(zoom_spec.SUBSET_PATH)


def test_pmc_zoom_spec_pointing_at_a_missing_file_is_a_clear_error(monkeypatch, tmp_path):
    missing = tmp_path / "missing.json"
    monkeypatch.setenv(zoom_spec.SPEC_ENV, str(missing))

    with pytest.raises(FileNotFoundError, match=rf"PMC_ZOOM_SPEC is set to '{missing}'"):
        FakeZoom()


def test_pmc_zoom_spec_may_point_at_another_copy(monkeypatch, tmp_path):
    copy = tmp_path / "full.json"
    copy.write_bytes(zoom_spec.SUBSET_PATH.read_bytes())
    monkeypatch.setenv(zoom_spec.SPEC_ENV, str(copy))

    assert zoom_spec.spec_path() == copy
    assert FakeZoom().spec is zoom_spec.load_spec(copy)


@pytest.mark.parametrize("template, method", extract_spec_subset.OPERATIONS)
def test_shipped_subset_holds_each_operation_the_client_calls(template, method):
    shipped = zoom_spec.load_spec(zoom_spec.SUBSET_PATH)

    operation = zoom_spec.operation(shipped, template, method)
    body = zoom_spec.request_schema(shipped, template, method)

    assert operation["responses"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "path"} == set(
        re.findall(r"{(\w+)}", template)
    )
    if method in ("post", "patch"):
        assert {"topic", "start_time", "duration", "settings"} <= body["properties"].keys()
    else:
        assert body is None


def test_shipped_subset_is_only_those_operations_and_what_they_need():
    text = zoom_spec.SUBSET_PATH.read_text(encoding="utf-8")
    shipped = json.loads(text)

    kept = {(t, m) for t, item in shipped["paths"].items() for m in item}
    assert kept == set(extract_spec_subset.OPERATIONS)
    assert shipped["info"] == {**shipped["info"], "title": "Zoom Meeting API", "version": "2"}
    assert set(shipped["components"]["securitySchemes"]) == {
        "openapi_oauth",
        "openapi_authorization",
    }
    # What the extractor makes of it is itself, byte for byte: nothing is left dangling.
    assert extract_spec_subset.dumps(extract_spec_subset.extract(shipped)) == text


# The extractor, on a small document of its own


def synthetic_document():
    """Two paths, refs that chain (and loop), and components nothing kept needs."""
    schema = {"$ref": "#/components/schemas/Meeting"}
    return {
        "openapi": "3.0.0",
        "info": {"title": "Synthetic", "version": "9"},
        "servers": [{"url": "https://example.invalid"}],
        "paths": {
            "/things/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {
                    "responses": {"200": {"content": {"application/json": {"schema": schema}}}},
                    "security": [{"oauth": ["read"]}],
                },
                "delete": {"responses": {"204": {"$ref": "#/components/responses/Gone"}}},
            },
            "/other": {"get": {"responses": {"200": {"$ref": "#/components/responses/Gone"}}}},
        },
        "components": {
            "schemas": {
                "Unused": {"type": "string"},
                "Meeting": {
                    "properties": {
                        "owner": {"$ref": "#/components/schemas/Person/properties/name"},
                        "parent": {"$ref": "#/components/schemas/Meeting"},
                    }
                },
                "Person": {"properties": {"name": {"$ref": "#/components/schemas/a~1b"}}},
                "a/b": {"type": "string"},
            },
            "parameters": {"Id": {"name": "id", "in": "path"}, "Page": {"name": "page"}},
            "responses": {"Gone": {"description": "gone"}},
            "securitySchemes": {"oauth": {"type": "oauth2"}, "key": {"type": "apiKey"}},
        },
    }


def test_extractor_keeps_only_the_named_operations():
    subset = extract_spec_subset.extract(synthetic_document(), [("/things/{id}", "GET")])

    assert list(subset["paths"]) == ["/things/{id}"]
    assert list(subset["paths"]["/things/{id}"]) == ["parameters", "get"]
    assert [k for k in subset if k not in ("paths", "components")] == [
        "openapi",
        "info",
        "servers",
    ]


def test_extractor_keeps_the_transitive_ref_closure_and_nothing_else():
    subset = extract_spec_subset.extract(synthetic_document(), [("/things/{id}", "get")])

    assert {section: list(names) for section, names in subset["components"].items()} == {
        "schemas": ["Meeting", "Person", "a/b"],
        "parameters": ["Id"],
        "securitySchemes": ["oauth"],
    }
    original = synthetic_document()["components"]["schemas"]["Meeting"]
    assert subset["components"]["schemas"]["Meeting"] == original


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda d: d["paths"].pop("/other"), KeyError),
        (lambda d: d["paths"]["/other"]["get"].update(x={"$ref": "other.json#/A"}), ValueError),
        (lambda d: d["paths"]["/other"]["get"].update(x={"$ref": "#/paths/~1things"}), ValueError),
        (lambda d: d["components"].pop("responses"), KeyError),
    ],
    ids=["missing-operation", "remote-ref", "ref-outside-components", "dangling-ref"],
)
def test_extractor_refuses_what_it_cannot_ship(change, error):
    document = synthetic_document()
    change(document)

    with pytest.raises(error):
        extract_spec_subset.extract(document, [("/other", "get")])


def test_extractor_script_prints_the_same_bytes_every_time(tmp_path):
    document = {"openapi": "3.0.0", "info": {"title": "Synthetic", "version": "9"}, "paths": {}}
    for template, method in extract_spec_subset.OPERATIONS + (("/webinars", "get"),):
        item = document["paths"].setdefault(template, {"put": {"responses": {}}})
        item[method] = {"summary": "Café", "responses": {"200": {"description": "ok"}}}
    full = tmp_path / "full.json"
    full.write_text(json.dumps(document), encoding="utf-8")
    script = Path(extract_spec_subset.__file__)

    runs = [
        subprocess.run([sys.executable, str(script), str(full)], capture_output=True, check=True)
        for _ in range(2)
    ]

    expected = extract_spec_subset.dumps(extract_spec_subset.extract(document))
    assert runs[0].stdout == runs[1].stdout == expected.encode("utf-8")
    assert '"summary": "Café"' in runs[0].stdout.decode("utf-8")
    paths = json.loads(runs[0].stdout)["paths"]
    assert "/webinars" not in paths
    assert all("put" not in item for item in paths.values())


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


def test_a_standing_fault_with_every_makes_zoom_flap(fake_zoom, api):
    fake_zoom.set_fault("500", method="POST", every=3)

    statuses = [create(fake_zoom, api).status_code for _ in range(6)]
    listed = api.get(url(fake_zoom, f"/users/{HOST}/meetings"), timeout=5)

    assert statuses == [201, 201, 500, 201, 201, 500]
    assert listed.status_code == 200
    assert len(fake_zoom.meetings) == 4
    assert fake_zoom.injected == {"500": 2}


def test_every_must_be_positive(fake_zoom):
    with pytest.raises(ValueError):
        fake_zoom.set_fault("500", every=0)


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
