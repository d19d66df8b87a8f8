"""The SSRF guard and the limits of ``outbound.request``, against loopback servers."""

import ipaddress
import time

import pytest
from django.conf import settings
from django.test import override_settings

from tests.calendars.feed_server import FeedServer
from wagtail_pmc_booking import outbound

GUARDED = override_settings(
    WAGTAIL_PMC_BOOKING={**settings.WAGTAIL_PMC_BOOKING, "ALLOW_PRIVATE_URLS": False}
)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8000/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_own_network_refused_when_guarded(url):
    with GUARDED, pytest.raises(outbound.UnsafeURL, match="own network"):
        outbound.check_url(url)


def test_own_network_allowed_when_setting_on():
    outbound.check_url("http://127.0.0.1/")  # tests/settings.py allows private URLs


@pytest.mark.parametrize("url", ["ftp://example.org/a.ics", "file:///etc/passwd", "gopher://x"])
def test_other_schemes_refused_even_when_private_allowed(url):
    with pytest.raises(outbound.UnsafeURL, match="http"):
        outbound.check_url(url)


@pytest.mark.parametrize(
    ("literal", "forbidden"),
    [
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
        ("192.168.0.1", True),
        ("172.16.5.4", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("224.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:8.8.8.8", False),
    ],
)
def test_address_classifier(literal, forbidden):
    assert outbound.is_forbidden_address(ipaddress.ip_address(literal)) is forbidden


def test_unknown_host_is_a_clear_error():
    with GUARDED, pytest.raises(outbound.UnsafeURL, match="could not be found"):
        outbound.check_url("http://no-such-host.invalid/")


def test_redirect_to_file_url_refused(feed_server):
    feed_server.redirect("/a.ics", "file:///etc/passwd")
    with pytest.raises(outbound.UnsafeURL):
        outbound.request("GET", feed_server.url("/a.ics"))


def test_redirect_chain_longer_than_five_refused(feed_server):
    for hop in range(6):
        feed_server.redirect(f"/{hop}", f"/{hop + 1}")
    feed_server.serve("/6", "end")
    with pytest.raises(outbound.FetchError, match="redirected more than 5"):
        outbound.request("GET", feed_server.url("/0"))
    feed_server.redirect("/1", "/6")  # four hops is fine
    assert outbound.request("GET", feed_server.url("/0")).content == b"end"


def test_oversize_body_stops_at_the_limit(feed_server):
    feed_server.serve("/big.ics", b"x" * (11 * 1024 * 1024))
    with pytest.raises(outbound.FetchError, match="larger than 10 MiB"):
        outbound.request("GET", feed_server.url("/big.ics"))


def test_oversize_body_without_declared_length_stops_while_reading(feed_server):
    feed_server.serve("/big.ics", b"y" * 5000)
    with pytest.raises(outbound.FetchError, match="larger than"):
        outbound.request("GET", feed_server.url("/big.ics"), max_bytes=4096)


def test_slow_answer_times_out_within_the_limit(feed_server):
    feed_server.serve("/slow.ics", "late", delay=3)
    began = time.monotonic()
    with pytest.raises(outbound.FetchError, match="did not answer within 0.5 s"):
        outbound.request("GET", feed_server.url("/slow.ics"), timeout=0.5)
    assert time.monotonic() - began < 1.5


def test_auth_not_forwarded_to_another_origin(feed_server):
    with FeedServer() as other:
        other.serve("/x.ics", "there")
        feed_server.redirect("/a.ics", other.url("/x.ics"))
        answer = outbound.request("GET", feed_server.url("/a.ics"), auth=("u", "secret"))
        assert answer.content == b"there"
        assert "Authorization" in feed_server.requests[0].headers
        assert "Authorization" not in other.requests[0].headers


def test_errors_never_name_the_secret_path(feed_server):
    feed_server.serve("/private-secret-token/basic.ics", "no", status=500)
    with pytest.raises(outbound.FetchError) as caught:
        outbound.request(
            "GET", feed_server.url("/private-secret-token/basic.ics"), allowed_statuses={200}
        )
    assert "secret" not in str(caught.value)
    assert "500" in str(caught.value)


def test_connection_refused_is_a_fetch_error():
    with FeedServer() as gone:
        url = gone.url("/a.ics")
    with pytest.raises(outbound.FetchError, match="Could not connect"):
        outbound.request("GET", url, timeout=2)
