from django.apps import AppConfig


class AigateConfig(AppConfig):
    name = "aigate"
    default_auto_field = "django.db.models.BigAutoField"
