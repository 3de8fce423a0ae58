"""ASGI entry point: `daphne -b 127.0.0.1 -p 8787 livespot_site.asgi:application`.

HTTP: /api/stream (SSE consumer), /static/... (files from static/, no CDN, no collectstatic)
and everything else through Django (panel, JSON API, /health, admin). Websocket:
/ws/dashboard. The LIVE read-only guard wraps all HTTP, consumers and static included,
because Django middleware never sees those.
"""
import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livespot_site.settings")
# The panel process keeps its (read-only) database connection between requests: a fresh
# SQLite connection plus its PRAGMAs costs ~2 ms per request, a tenth of the snapshot budget.
# Set here, not in settings.py, so the trader and the commands keep Django's default.
settings.DATABASES["default"].setdefault("CONN_MAX_AGE", 300)
settings.DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Django must be set up before consumers or models are imported (stack-notes §3).
django_asgi_app = get_asgi_application()

from dashboard.routing import build_application  # noqa: E402

application = build_application(django_asgi_app)
