"""Snippet views and choosers that follow the model's permission policy row by row.

Wagtail's generic snippet views check model-wide rights only; a host's owner holds none
and must still reach their own rows, and only those. The registered policy of the model
(``policy_registry``) decides everywhere, so a site may swap it.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

LISTED = ["change", "delete", "view"]
"""Rights on a row that let a user list and open it."""

Rows = Callable[[HttpRequest], QuerySet[Any]]
"""The rows a request may name, e.g. a viewset's ``get_queryset``."""


# == Row-level permission checks ==


def row_exists(queryset: QuerySet[Any], pk: Any) -> bool:
    """Whether ``pk`` (as it appears in a URL) names a row of ``queryset``."""
    try:
        return queryset.filter(pk=unquote(str(pk))).exists()
    except (ValueError, ValidationError):  # not a key of this model at all
        return False


def guard_rows(patterns: list[URLPattern], rows: Rows) -> list[URLPattern]:
    """Refuse every URL naming a row (``pk``) outside ``rows(request)``.

    Applied to all the URLs a viewset mounts, so a view Wagtail adds later (copy,
    history results, …) cannot reach another host's rows either.
    """
    for pattern in patterns:
        pattern.callback = _guarded(pattern.callback, rows)
    return patterns


def _guarded(view: Callable[..., HttpResponse], rows: Rows) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pk = kwargs.get("pk")
        if pk is not None and not row_exists(rows(request), pk):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded_view


class InstancePermissionMixin:
    """Wagtail's generic views check model-wide rights; owners also need a per-row check."""

    permission_required: str | None
    user_has_permission_for_instance: Callable[[str, Model], bool]

    def get_object(self, *args: Any, **kwargs: Any) -> Model | None:
        instance = super().get_object(*args, **kwargs)
        action = self.permission_required or "change"
        if instance is not None and not self.user_has_permission_for_instance(action, instance):
            raise PermissionDenied
        return instance


class EditView(InstancePermissionMixin, snippet_views.EditView):
    pass


class DeleteView(InstancePermissionMixin, snippet_views.DeleteView):
    pass


class HistoryView(InstancePermissionMixin, snippet_views.HistoryView):
    pass


class UsageView(InstancePermissionMixin, snippet_views.UsageView):
    pass


# == Choosers ==


def choosable_rows(model: type[Model], request: HttpRequest) -> QuerySet[Any]:
    """The rows the model's policy lets the user pick in a snippet chooser."""
    return policy_registry.get_by_type(model).instances_user_may_choose(request.user)


class ChoosableRowsMixin:
    """Chooser views list and return only the choosable rows."""

    model_class: type[Model]
    request: HttpRequest

    def get_object_list(self) -> QuerySet[Any]:
        return choosable_rows(self.model_class, self.request)

    def get_objects(self, pks: list[Any]) -> QuerySet[Any]:
        return self.get_object_list().filter(pk__in=pks)


class ChooseView(ChoosableRowsMixin, chooser_views.ChooseView):
    pass


class ChooseResultsView(ChoosableRowsMixin, chooser_views.ChooseResultsView):
    pass


class ChosenMultipleView(ChoosableRowsMixin, chooser_views.SnippetChosenMultipleView):
    pass


class PolicyChooserViewSet(chooser_views.SnippetChooserViewSet):
    """The snippet chooser under the model's policy; ``chosen/<pk>/`` is row-guarded."""

    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_multiple_view_class = ChosenMultipleView

    def get_urlpatterns(self) -> list[URLPattern]:
        # No creation form is configured: Wagtail's "create" URL would only fail.
        patterns = [p for p in super().get_urlpatterns() if p.name != "create"]
        return guard_rows(patterns, lambda request: choosable_rows(self.model, request))


# == The snippet viewset ==


class OwnedSnippetViewSet(SnippetViewSet):
    """A snippet whose listing, object views and chooser follow the model's policy."""

    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    chooser_viewset_class = PolicyChooserViewSet

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        policy = policy_registry.get_by_type(self.model)
        return policy.instances_user_has_any_permission_for(request.user, LISTED)

    def get_urlpatterns(self) -> list[URLPattern]:
        return guard_rows(super().get_urlpatterns(), self.get_queryset)
