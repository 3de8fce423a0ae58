"""The ASGI routing of the panel (imported by livespot_site.asgi after Django is set up)."""
from __future__ import annotations

from typing import Any

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.urls import path, re_path

from dashboard.asgi_guard import LiveReadOnlyASGI
from dashboard.consumers import SnapshotSocketConsumer, SnapshotStreamConsumer, UnknownSocketConsumer


def build_application(django_asgi_app: Any) -> ProtocolTypeRouter:
    """Return the project's ASGI application around the Django one."""
    http = URLRouter([
        path("api/stream", SnapshotStreamConsumer.as_asgi()),
        # Serves STATIC_URL from the finders (static/), with DEBUG off too.
        re_path(r"", ASGIStaticFilesHandler(django_asgi_app)),
    ])
    websocket = AllowedHostsOriginValidator(URLRouter([
        path("ws/dashboard", SnapshotSocketConsumer.as_asgi()),
        re_path(r"", UnknownSocketConsumer.as_asgi()),
    ]))
    return ProtocolTypeRouter({"http": LiveReadOnlyASGI(http), "websocket": websocket})
