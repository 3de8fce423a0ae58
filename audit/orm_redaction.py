"""Redact secrets from every ORM-written row of livespot's own apps, just before saving.

The audit writer redacts the rows it inserts itself; this covers the rows services write
through the ORM (intents, orders, decisions, gate events, ...): a secret that slipped into
a summary, an error text or a JSON payload is replaced before it reaches the database.
"""
from __future__ import annotations

from typing import Any

from django.db import models

from audit.redaction import get_redactor

GUARDED_APPS = frozenset({"audit", "trading", "aigate", "dashboard"})


def redact_instance(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    if sender._meta.app_label not in GUARDED_APPS:
        return
    redactor = get_redactor()
    if not redactor:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
            value = getattr(instance, field.attname)
            if value:
                setattr(instance, field.attname, redactor.value(value))
