"""Settings of the real ``run_huey`` consumer that ``test_worker.py`` starts.

The test settings, with three changes passed in through the environment by the test:
the database is pytest-django's test database (``test_<name>``, where the test commits
its data), Huey is a ``RedisHuey`` under a name used by that test only, and Zoom is
the test's fake Zoom.
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
    **json.loads(os.environ["PMC_ZOOM_SETTINGS"]),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "huey": {"handlers": ["console"], "level": "INFO"},
        "wagtail_pmc_booking": {"handlers": ["console"], "level": "INFO"},
    },
}
