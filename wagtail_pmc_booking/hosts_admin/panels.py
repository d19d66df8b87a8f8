"""Host fields only site admins edit; the host's owner sees them read-only."""

from typing import Any

from django.utils.text import capfirst
from wagtail.admin.panels import FieldPanel

ADMIN_ONLY = "wagtail_pmc_booking.change_host"
"""Host fields an owner may not change: only users who may change any host edit them."""


class AdminOnlyFieldPanel(FieldPanel):
    """Edited by site admins; a host's owner sees the value read-only.

    ``permission`` leaves the field out of the owner's form, so a value they post
    anyway is ignored: the server, not the page, keeps it unchanged.
    """

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        super().__init__(field_name, permission=ADMIN_ONLY, **kwargs)

    def clone_kwargs(self) -> dict[str, Any]:
        kwargs = super().clone_kwargs()
        del kwargs["permission"]
        return kwargs

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if self.form is not None and self.bound_field is None:
                self.read_only = True
                self.heading = self.panel.heading or capfirst(self.panel.db_field.verbose_name)
                self.help_text = self.panel.help_text or capfirst(self.panel.db_field.help_text)

        def is_shown(self) -> bool:
            return self.read_only or super().is_shown()
