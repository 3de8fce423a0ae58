"""The ASGI routing of the panel (imported by livespot_site.asgi after Django is set up)."""
from __future__ import annotations

import gc
from typing import Any

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.urls import path, re_path

from dashboard.asgi_guard import LiveReadOnlyASGI
from dashboard.consumers import (
    SnapshotApiConsumer,
    SnapshotSocketConsumer,
    SnapshotStreamConsumer,
    UnknownSocketConsumer,
)


def build_application(django_asgi_app: Any) -> ProtocolTypeRouter:
    """Return the project's ASGI application around the Django one."""
    http = URLRouter([
        path("api/stream", SnapshotStreamConsumer.as_asgi()),
        path("api/dashboard", SnapshotApiConsumer.as_asgi()),  # views.api_dashboard without the sync stack
        # Serves STATIC_URL from the finders (static/), with DEBUG off too.
        re_path(r"", ASGIStaticFilesHandler(django_asgi_app)),
    ])
    websocket = AllowedHostsOriginValidator(URLRouter([
        path("ws/dashboard", SnapshotSocketConsumer.as_asgi()),
        re_path(r"", UnknownSocketConsumer.as_asgi()),
    ]))
    # Everything loaded so far (Django, the apps, the catalogs) lives as long as the process:
    # moved out of the collector's reach, a full collection no longer walks it in the middle
    # of a snapshot build (it was the panel's main source of p95 spikes).
    gc.collect()
    gc.freeze()
    return ProtocolTypeRouter({"http": LiveReadOnlyASGI(http), "websocket": websocket})
