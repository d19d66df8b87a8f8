"""Admin hooks of the Zoom lifecycle; imported by the app's top-level ``wagtail_hooks``.

Wagtail only discovers ``<app>.wagtail_hooks``, so this sub-feature's module is imported
from there (the way wagtail-localize's sub-packages are).
"""

from wagtail import hooks

from .views import zoom_meetings_viewset


@hooks.register("register_admin_viewset")
def register_zoom_meetings_viewset():
    return zoom_meetings_viewset
