"""Writes on the referential: synchronisation of the project's reference data into the database.

The FINESS extract import lives in :mod:`esmsnum.referential.importer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from esmsnum.domain import reference

from .models import Category, Department, Region


@dataclass
class SyncResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def summary(self) -> str:
        parts = []
        for label, key in (("régions", "region"), ("départements", "department"), ("catégories", "category")):
            parts.append(f"{label} : {self.created.get(key, 0)} créées, {self.updated.get(key, 0)} mises à jour")
        return " ; ".join(parts)


def _sync(model, rows: dict[str, dict], result: SyncResult, key: str, using: str) -> None:
    fields = [name for name in next(iter(rows.values()))]
    existing = {obj.pk: obj for obj in model.objects.using(using).all()}
    to_create, to_update = [], []
    for pk, values in rows.items():
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(pk=pk, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
    model.objects.using(using).bulk_create(to_create)
    if to_update:
        model.objects.using(using).bulk_update(to_update, fields)
    result.created[key] = len(to_create)
    result.updated[key] = len(to_update)


def sync_reference_data(using: str = "default") -> SyncResult:
    """Create or update regions, departments and categories from the project's reference CSV files.

    Idempotent: a second run changes nothing. Rows no longer in the files are left alone (establishments may
    still point to them).
    """
    result = SyncResult()
    with transaction.atomic(using=using):
        _sync(
            Region,
            {
                r.code: {"name": r.name, "overseas_or_corse": r.overseas_or_corse, "timezone": r.timezone}
                for r in reference.regions()
            },
            result,
            "region",
            using,
        )
        _sync(
            Department,
            {
                d.code: {"insee_code": d.insee_code, "name": d.name, "region_id": d.region_code}
                for d in reference.departments()
            },
            result,
            "department",
            using,
        )
        _sync(
            Category,
            {
                c.code: {
                    "label": c.label,
                    "short_label": c.short_label,
                    "aggregate_code": c.aggregate_code,
                    "aggregate_label": c.aggregate_label,
                    "public": c.public,
                    "financeur": c.financeur,
                    "medico_social": c.medico_social,
                    "medicalised": c.medicalised,
                    "is_saad": c.is_saad,
                }
                for c in reference.categories()
            },
            result,
            "category",
            using,
        )
    return result
