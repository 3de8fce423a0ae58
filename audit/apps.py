from django.apps import AppConfig
from django.db.models.signals import pre_save


class AuditConfig(AppConfig):
    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.orm_redaction import redact_instance

        pre_save.connect(redact_instance, dispatch_uid="livespot-redact-secrets")
