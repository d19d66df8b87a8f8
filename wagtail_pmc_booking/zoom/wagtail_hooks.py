"""Admin hooks of the Zoom lifecycle; imported by the app's top-level ``wagtail_hooks``.

Wagtail only discovers ``<app>.wagtail_hooks``, so this sub-feature's module is imported
from there (the way wagtail-localize's sub-packages are). The Zoom meeting policy is
registered on import, before anything asks the registry for it: a policy registered
after Wagtail made its fallback one would be refused.
"""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import register_permission_policy

from ..models import ZoomMeeting
from .permissions import zoom_meeting_permission_policy
from .views import zoom_meetings_viewset

register_permission_policy(ZoomMeeting, zoom_meeting_permission_policy)


def register_zoom_meetings_viewset() -> ViewSet:
    return zoom_meetings_viewset


# A call, not the decorator: Wagtail is untyped, and the decorator would untype the hook.
hooks.register("register_admin_viewset", register_zoom_meetings_viewset)
