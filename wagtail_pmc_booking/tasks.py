"""Where Huey finds this app's tasks: the consumer imports ``<app>.tasks`` only.

Each feature keeps its tasks in its own package; nothing else belongs here.
"""

from .api.tasks import *  # noqa: F401, F403
from .calendars.tasks import *  # noqa: F401, F403
from .notifications.tasks import *  # noqa: F401, F403
from .reminders.tasks import *  # noqa: F401, F403
from .webhooks.tasks import *  # noqa: F401, F403
from .zoom.tasks import *  # noqa: F401, F403
