"""Backups that restore: a round trip (backup, damage everything, restore) gives back every row and every file.

Runs on the configured database: SQLite locally, PostgreSQL under CI (`DATABASE_URL`)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from esmsnum.cli import main
from esmsnum.dossiers import services
from esmsnum.dossiers.models import Document, Dossier
from esmsnum.ops.backup import BackupError, backup, restore
from tests.dossiers.factories import CAMPAIGN, EstablishmentFactory, add_establishment, dossier_for, make_world
from tests.dossiers.test_uploads import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


def _every_row() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _every_file() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def world(settings):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    world = make_world()
    dossier = dossier_for(world, campaign=CAMPAIGN, title="Projet « sauvegardé » — é€")
    add_establishment(dossier, EstablishmentFactory(organisation=world.porteur_org))
    for index, piece in enumerate(p for p in services.required_documents(dossier) if p.mandatory):
        upload = SimpleUploadedFile(f"{piece.code}.pdf", PDF_BYTES + bytes([index]), content_type="application/pdf")
        services.upload_document(dossier, by=world.users.porteur, piece_code=piece.code, uploaded_file=upload)
    return world


def test_round_trip_gives_back_every_row_and_file(world, tmp_path):
    rows, files = _every_row(), _every_file()
    assert Document.objects.exists()
    assert files
    manifest = backup(tmp_path / "sauvegarde")
    assert manifest["rows"]["dossiers.Dossier"] == Dossier.objects.count()
    # everything changes after the backup: rows removed and added, files removed and added
    Dossier.objects.update(title="modifié")
    Document.objects.all().delete()
    dossier_for(world, campaign=CAMPAIGN, title="créé après la sauvegarde")
    for path in [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]:
        path.unlink()
    (Path(settings.MEDIA_ROOT) / "intrus.txt").write_text("x")
    restore(tmp_path / "sauvegarde")
    assert _every_row() == rows
    assert _every_file() == files


def test_commands_and_a_damaged_backup_is_refused(world, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["backup", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output
    # the destination must be new
    result = runner.invoke(main, ["backup", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "n'est pas vide" in result.output
    # one altered byte in an uploaded file: refused before anything is touched
    before = _every_row()
    piece = next(p for p in (tmp_path / "s" / "media").rglob("*") if p.is_file())
    piece.write_bytes(piece.read_bytes() + b" ")
    result = runner.invoke(main, ["restore", str(tmp_path / "s"), "--yes"])
    assert result.exit_code == 2
    assert "empreinte SHA-256 différente" in result.output
    assert "Traceback" not in result.output
    assert _every_row() == before
    # a backup of another schema is refused too
    manifest_path = tmp_path / "s" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    piece.write_bytes(piece.read_bytes()[:-1])
    manifest["migrations"] = manifest["migrations"][:-1]
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="migrations différentes"):
        restore(tmp_path / "s")
