"""Settings of the real ``run_huey`` consumer that ``test_worker.py`` starts.

The test settings, with the test's database, a ``RedisHuey`` of the test's own name,
and a short claim lease and timeout (passed through the environment), so a consumer
killed mid-POST is replaced within seconds.
"""

import json
import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, WAGTAIL_PMC_BOOKING

DATABASES["default"]["NAME"] = os.environ["PMC_TEST_DATABASE_NAME"]

HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": os.environ["PMC_HUEY_NAME"],
    "immediate": False,
    "connection": {"url": os.environ["REDIS_URL"]},
    "consumer": {"workers": 2, "worker_type": "thread", "scheduler_interval": 1},
}

WAGTAIL_PMC_BOOKING = {
    **WAGTAIL_PMC_BOOKING,
    **json.loads(os.environ["PMC_WEBHOOK_SETTINGS"]),
}
