"""Backups that restore: the whole database and the uploaded files, with a manifest of checksums.

A backup is a directory:

- ``data.jsonl``: every row of every table, one JSON object a line (Django's portable ``jsonl`` serialisation,
  primary keys kept), read in a single transaction (``REPEATABLE READ`` on PostgreSQL, the write lock on SQLite):
  a consistent snapshot, and the same file restores into SQLite or PostgreSQL;
- ``media/``: the uploaded files. They are copied after the snapshot; a stored file is never rewritten in place, so
  every file the snapshot references is there (at worst a file uploaded meanwhile, referenced by no row);
- ``manifest.json``: format, date, database engine, the applied migrations, the row count of every table and the
  SHA-256 of every file. :func:`restore` checks it all before touching the database.

:func:`restore` replaces the database content and the uploaded files: it refuses a backup whose checksums do not
match or whose migrations differ from the code's, then empties the tables and loads the rows in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "esmsnum-backup/1"
DATA = "data.jsonl"
MANIFEST = "manifest.json"
MEDIA = "media"


class BackupError(Exception):
    """A refused backup or restore; the message (French) is shown as is."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in _models()}


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder rounds times to the millisecond (ECMA-262); a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _models() -> list:
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def _dump(path: Path) -> None:
    """Every row of every table, model after model, streamed (never the whole database in memory)."""
    with path.open("w", encoding="utf-8") as stream:
        for model in _models():
            rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
            serializers.serialize("jsonl", rows, stream=stream, cls=_ExactEncoder)


def _migrations() -> list[str]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup(dest: Path) -> dict:
    """Write a backup into ``dest`` (a new or empty directory) and return its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"le dossier de destination « {dest.name} » n'est pas vide : choisissez un dossier neuf.")
    dest.mkdir(parents=True, exist_ok=True)
    connection = connections[DEFAULT_DB_ALIAS]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        _dump(dest / DATA)
        counts = _row_counts()
        migrations = _migrations()
    media_root = Path(settings.MEDIA_ROOT)
    files = {}
    for source in _files(media_root):
        relative = source.relative_to(media_root).as_posix()
        target = dest / MEDIA / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        files[f"{MEDIA}/{relative}"] = _sha256(target)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "migrations": migrations,
        "rows": counts,
        "files": {DATA: _sha256(dest / DATA), **files},
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def verify(src: Path) -> dict:
    """The manifest of the backup in ``src`` once every checksum matched (else :class:`BackupError`)."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            f"« {src.name} » n'est pas une sauvegarde lisible (manifest.json absent ou illisible)."
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"format de sauvegarde inconnu : {manifest.get('format')!r} (attendu {FORMAT}).")
    expected = manifest.get("files", {})
    present = {p.relative_to(src).as_posix() for p in _files(src)} - {MANIFEST}
    extra = sorted(present - set(expected))
    missing = sorted(set(expected) - present)
    if missing or extra:
        raise BackupError(
            "la sauvegarde est incomplète ou modifiée : "
            + "; ".join(
                filter(
                    None,
                    [
                        missing and f"fichiers absents : {', '.join(missing[:5])}",
                        extra and f"fichiers en trop : {', '.join(extra[:5])}",
                    ],
                )
            )
        )
    damaged = [name for name, digest in expected.items() if _sha256(src / name) != digest]
    if damaged:
        raise BackupError(f"empreinte SHA-256 différente (fichier altéré) : {', '.join(damaged[:5])}.")
    return manifest


def restore(src: Path) -> dict:
    """Replace the database content and the uploaded files by the backup in ``src``; return its manifest."""
    src = Path(src)
    manifest = verify(src)
    if manifest["migrations"] != _migrations():
        raise BackupError(
            "la sauvegarde ne correspond pas au schéma de la base (migrations différentes) : "
            "lancez « esmsnum manage migrate » avec la version du code qui l'a produite, puis recommencez."
        )
    with transaction.atomic():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        call_command("loaddata", str(src / DATA), verbosity=0)
        counts = _row_counts()
        if counts != manifest["rows"]:
            differing = sorted(
                k for k in set(counts) | set(manifest["rows"]) if counts.get(k) != manifest["rows"].get(k)
            )
            raise BackupError(f"restauration annulée : nombres de lignes différents ({', '.join(differing[:5])}).")
    media_root = Path(settings.MEDIA_ROOT)
    staging = media_root.with_name(media_root.name + ".restauration")
    shutil.rmtree(staging, ignore_errors=True)
    if (src / MEDIA).is_dir():
        shutil.copytree(src / MEDIA, staging)
    else:
        staging.mkdir(parents=True)
    shutil.rmtree(media_root, ignore_errors=True)
    staging.rename(media_root)
    return manifest
