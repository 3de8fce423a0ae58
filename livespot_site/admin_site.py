"""livespot's admin site: every registered ModelAdmin is view-only while MODE=LIVE.

The check runs per request, so it holds for every model (auth and third-party included)
without each admin class having to remember it.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin


def is_live() -> bool:
    return settings.MODE == "LIVE"


class LiveViewOnlyMixin:
    """No add, change, delete or actions in LIVE; viewing stays allowed."""

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return not is_live() and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return not is_live() and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return not is_live() and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        base = super()  # type: ignore[misc]
        return base.has_view_permission(request, obj) or base.has_change_permission(request, obj)

    def get_actions(self, request: Any) -> dict[str, Any]:
        return {} if is_live() else super().get_actions(request)  # type: ignore[misc]


class LivespotAdminSite(admin.AdminSite):
    site_header = "livespot audit"
    site_title = "livespot"
    index_title = "Audit and trading records"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, LiveViewOnlyMixin):
            admin_class = type(admin_class.__name__, (LiveViewOnlyMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)
