"""Public pages behind the attendee's links: mount with
``path("booking/", include("wagtail_pmc_booking.urls"))`` before Wagtail's catch-all.
"""

from django.urls import path

from . import embed, views

app_name = "wagtail_pmc_booking"

urlpatterns = [
    path("manage/<str:token>/", views.manage_booking, name="manage_booking"),
    path("manage/<str:token>/reschedule/", views.manage_reschedule, name="manage_reschedule"),
    path("manage/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/invite.ics", views.manage_invite, name="manage_invite"),
    # <str:service>, not an alternation: the widget reverses it with a "{service}" placeholder.
    path(
        "manage/<str:token>/calendar/<str:service>/",
        views.manage_calendar,
        name="manage_calendar",
    ),
    path("rebook/", views.rebook, name="rebook"),
    path("embed/<slug:slug>/", embed.embed_frame, name="embed_frame"),
]
