"""The verification example in docs/webhooks.md runs and agrees with the real signer."""

import re
import time
from pathlib import Path

from wagtail_pmc_booking.webhooks import signing

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def example():
    [code] = re.findall(r"```python\n(.*?)```", DOCS.read_text(), re.S)
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)
    return code, namespace["verify"]


def test_the_example_is_at_most_ten_lines():
    code, _verify = example()
    assert len([line for line in code.splitlines() if line.strip()]) <= 10


def test_the_example_accepts_our_signature_and_either_secret_during_a_roll():
    _code, verify = example()
    body = b'{"id":"evt_x","type":"booking.created"}'
    header = signing.header(["whsec_new", "whsec_old"], int(time.time()), body)
    assert verify("whsec_new", header, body)
    assert verify("whsec_old", header, body)


def test_the_example_refuses_a_changed_body_another_secret_and_an_old_timestamp():
    _code, verify = example()
    body = b'{"id":"evt_x"}'
    now = int(time.time())
    assert not verify("whsec_new", signing.header(["whsec_new"], now, body), body + b" ")
    assert not verify("whsec_other", signing.header(["whsec_new"], now, body), body)
    assert not verify("whsec_new", signing.header(["whsec_new"], now - 301, body), body)
    assert not verify("whsec_new", "v1=abc", body)
