"""ASGI entry point: `daphne livespot_site.asgi:application` (the panel comes with its issue)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livespot_site.settings")
application = get_asgi_application()
