"""Property-based: schemathesis sends generated requests to the WSGI app, in process.

Every built-in check but one runs (``--checks all`` runs in CI against a live server):
a non-5xx that matches /v1/openapi.json — documented status, headers, content type
and body — and schema-valid input is never refused for its shape (400/422) while
schema-invalid input is. This keeps the promise checked on every test run with few
examples; refusal of bad input also has its own table in ``test_robustness.py``.
"""

import pytest

schemathesis = pytest.importorskip("schemathesis")
from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import negative_data_rejection  # noqa: E402

EXAMPLES_PER_OPERATION = 25

schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Every generated example should reach a view, not stop at the limiter."""
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "API_RATE_LIMIT_PUBLIC": None,
        "API_RATE_LIMIT_KEY": None,
    }


@pytest.fixture(autouse=True)
def keep_test_connection():
    """As Django's test client does: the test's transaction must survive each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_generated_requests_get_documented_answers(case, full_key, product_demo):
    # The key is put on every case, which undoes a negative case that drops the required
    # Authorization header; refusal of bad input is checked by CI's live run (every
    # check there) and by ``test_robustness.py``, so that one check is left out here.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {full_key}"},
        excluded_checks=[negative_data_rejection],
    )
