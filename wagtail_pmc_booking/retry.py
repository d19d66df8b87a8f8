"""The one retry delay: doubling from a base, capped, the upper half jittered.

Zoom calls (``zoom/backoff``) and webhook deliveries (``webhooks/deliver``) both wait
this way, each with its own base and cap, so retries of many rows spread out.
"""

import random
from typing import Protocol


class Jitter(Protocol):
    """What ``delay`` needs of ``random`` (a test's stand-in gives the top of the range)."""

    def uniform(self, a: float, b: float, /) -> float: ...


def delay(attempts: int, *, base: float, cap: float, rng: Jitter = random) -> float:
    """Seconds before try ``attempts + 1``: ``base * 2**(attempts-1)`` capped, half jittered."""
    ceiling = min(float(cap), float(base) * 2.0 ** min(max(attempts, 1) - 1, 30))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)
