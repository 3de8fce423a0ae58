from django.contrib.admin.apps import AdminConfig


class LivespotAdminConfig(AdminConfig):
    """Installs livespot's admin site (view-only on every model when MODE=LIVE)."""

    default_site = "livespot_site.admin_site.LivespotAdminSite"
