"""Wagtail admin for API keys: list, create (the key is shown once), rename and revoke.

``ApiKeyViewSet`` is in the "Bookings" menu group (``admin_menu.BookingsGroup``).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, UserColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import ApiKey
from ..models.api_keys import Scope


class ApiKeyCreateForm(forms.ModelForm[ApiKey]):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give a key only what its client needs."),
    )

    class Meta:
        model = ApiKey
        fields = ["name", "mode", "scopes"]
        help_texts = {
            "name": _("Who or what uses this key, e.g. “CRM sync”."),
            "mode": _("Test keys (pmc_test_…) never call real Zoom: the sandbox answers."),
        }


class ApiKeyRenameForm(forms.ModelForm[ApiKey]):
    """Scopes and mode are fixed once a key is out; issue a new key to change them."""

    class Meta:
        model = ApiKey
        fields = ["name"]


def scopes_label(key: ApiKey) -> str:
    return ", ".join(key.scopes)


def status_label(key: ApiKey) -> str:
    return gettext("Revoked") if key.is_revoked else gettext("Active")


class IndexView(generic.IndexView):  # type: ignore[misc]  # wagtail is untyped
    revoke_url_name: str | None = None

    def get_list_more_buttons(self, instance: ApiKey) -> list[MenuItem]:
        buttons: list[MenuItem] = super().get_list_more_buttons(instance)
        if not instance.is_revoked and self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Revoke"),
                    url=reverse(self.revoke_url_name, args=[quote(instance.pk)]),
                    icon_name="cross",
                    priority=25,
                )
            )
        return buttons


class CreateView(generic.CreateView):  # type: ignore[misc]  # wagtail is untyped
    """Issues the key and answers with it once; it is never stored or shown again."""

    created_template_name = "wagtail_pmc_booking/api_keys/created.html"

    def save_instance(self) -> ApiKey:
        data = self.form.cleaned_data
        issued: tuple[ApiKey, str] = ApiKey.issue(
            name=data["name"],
            scopes=data["scopes"],
            mode=data["mode"],
            created_by=self.request.user,
        )
        key, self.plaintext = issued
        return key

    def save_action(self) -> TemplateResponse:
        context = {
            "key": self.object,
            "plaintext": self.plaintext,
            "header_title": gettext("API key created"),
            "page_title": gettext("API key created"),
            "header_icon": self.header_icon,
            "index_url": reverse(self.index_url_name),
        }
        response = TemplateResponse(self.request, self.created_template_name, context)
        response["Cache-Control"] = "no-store"
        return response


class RevokeView(generic.DeleteView):  # type: ignore[misc]  # wagtail is untyped
    """Revoking keeps the row (and its history); the key stops working at once."""

    permission_required = "change"
    page_title = _("Revoke")
    success_message = _("API key '%(object)s' revoked.")
    template_name = "wagtail_pmc_booking/api_keys/revoke.html"
    revoke_url_name: str | None = None

    def get_delete_url(self) -> str:
        return reverse(self.revoke_url_name, args=[quote(self.object.pk)])

    @property
    def confirmation_message(self) -> str:
        return gettext(
            "Clients using this key will be refused from the next request. This cannot be undone."
        )

    def delete_action(self) -> None:
        self.object.revoke()


class ApiKeyViewSet(ModelViewSet):  # type: ignore[misc]  # wagtail is untyped
    model = ApiKey
    icon = "key"
    menu_label = _("API keys")
    name = "pmc_api_keys"
    copy_view_enabled = False
    add_to_reference_index = False
    index_view_class = IndexView
    add_view_class = CreateView
    list_display = [
        "name",
        Column("mode", label=_("Mode"), accessor="get_mode_display"),
        Column("display_prefix", label=_("Key starts with")),
        Column("scopes", label=_("Scopes"), accessor=scopes_label),
        UserColumn("created_by", label=_("Created by")),
        DateColumn("last_used_at", label=_("Last used")),
        StatusTagColumn(
            "status", label=_("Status"), accessor=status_label, primary=lambda k: k.is_revoked
        ),
    ]
    list_filter = ["mode"]
    search_fields = ["name", "display_prefix"]

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm[ApiKey]]:
        return ApiKeyRenameForm if for_update else ApiKeyCreateForm

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs: dict[str, Any] = super().get_index_view_kwargs(
            revoke_url_name=self.get_url_name("revoke"), **kwargs
        )
        return view_kwargs

    @property
    def revoke_view(self) -> Callable[..., HttpResponse]:
        view: Callable[..., HttpResponse] = self.construct_view(
            RevokeView,
            revoke_url_name=self.get_url_name("revoke"),
            usage_url_name=None,
        )
        return view

    def get_urlpatterns(self) -> list[URLPattern | URLResolver]:
        return [
            *super().get_urlpatterns(),
            path("revoke/<str:pk>/", self.revoke_view, name="revoke"),
        ]
