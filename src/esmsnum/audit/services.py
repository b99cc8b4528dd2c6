"""The audit trail: every change to an amount or a decision after filing."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return value


def record_audit(subject: Model, field: str, old: Any, new: Any, *, by=None, dossier=None, comment="") -> AuditEntry:
    """Record a change to an amount or a decision (any model instance: dossier, decision, session...)."""
    return AuditEntry.objects.create(
        dossier=dossier,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        field=field,
        old_value=_jsonable(old),
        new_value=_jsonable(new),
        by=by,
        comment=comment,
    )


def audit_changes(instance: Model, before: dict[str, Any], fields, *, by, dossier, prefix="") -> None:
    """Record each field of ``instance`` that differs from ``before`` (the caller decides what is audited)."""
    for field in fields:
        old, new = before.get(field), getattr(instance, field)
        if old != new:
            record_audit(instance, prefix + field, old, new, by=by, dossier=dossier, comment="Modification du porteur")
