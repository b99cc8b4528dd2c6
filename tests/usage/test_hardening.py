"""Uploads that attack or are damaged are refused in French, nothing written (issue #13)."""

import io
import zipfile

import pytest

from esmsnum.domain.indicators.declaration import DeclarationError, parse_declaration
from esmsnum.usage import archive
from esmsnum.usage.archive import ArchiveRejected, unpack

HEADER = "finess_et,dossier_id,admission_date,exit_date,exit_definitive\n"


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    buffer.seek(0)
    return buffer


def _tables(events: bytes = b"finess_et,dossier_id,occurred_on,kind\n") -> dict[str, bytes]:
    return {
        "dossiers.csv": HEADER.encode(),
        "personalised_projects.csv": b"finess_et,dossier_id,started_on,ended_on\n",
        "events.csv": events,
    }


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    bomb = _tables(b"finess_et,dossier_id,occurred_on,kind\n" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ArchiveRejected, match="comprimée plus de 100 fois"):
        unpack(_zip(bomb), tmp_path / "x")
    assert not (tmp_path / "x" / "events.csv").exists() or (tmp_path / "x" / "events.csv").stat().st_size == 0


def test_a_table_over_its_size_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TABLE_BYTES", 1000)
    with pytest.raises(ArchiveRejected, match="La table events dépasse"):
        unpack(_zip(_tables(b"x" * 5000), method=zipfile.ZIP_STORED), tmp_path / "x")


def _corrupt(offset_from_data: int, replacement: bytes, method=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    data = bytearray(_zip(_tables(b"finess_et,dossier_id,occurred_on,kind\n" * 200), method).getvalue())
    start = data.index(b"events.csv") + len("events.csv")
    data[start + offset_from_data : start + offset_from_data + len(replacement)] = replacement
    return io.BytesIO(bytes(data))


@pytest.mark.parametrize(
    ("stream", "words"),
    [
        (lambda: _corrupt(5, b"\xff\xff\xff\xff\xff\xff"), "flux compressé invalide|CRC|illisibles"),
        (lambda: _corrupt(40, b"\x00\x00\x00\x00", zipfile.ZIP_STORED), "CRC"),
    ],
)
def test_damaged_archives_are_refused_in_french(tmp_path, stream, words):
    with pytest.raises(ArchiveRejected, match=words) as caught:
        unpack(stream(), tmp_path / "x")
    assert "endommagée" in str(caught.value)
    assert str(tmp_path) not in str(caught.value)


def test_an_unknown_compression_method_is_refused(tmp_path):
    data = bytearray(_zip(_tables(b"finess_et,dossier_id,occurred_on,kind\n")).getvalue())
    # compression method field of every local and central header → 99 (AES, unsupported here)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        position = data.find(signature)
        while position != -1:
            data[position + offset : position + offset + 2] = (99).to_bytes(2, "little")
            position = data.find(signature, position + 1)
    with pytest.raises(ArchiveRejected, match=r"méthode de compression non prise en charge|endommagée"):
        unpack(io.BytesIO(bytes(data)), tmp_path / "x")


def test_a_declaration_with_a_huge_field_is_refused():
    with pytest.raises(DeclarationError, match="illisible"):
        parse_declaration(b'finess_et,accompanied,active\n"' + b"x" * 200_000 + b'",1,1\n')


def test_a_declaration_with_a_5000_digit_number_is_an_error_of_its_line():
    parsed = parse_declaration(b"finess_et,accompanied,active\n970405767," + b"9" * 5000 + b",1\n")
    assert parsed.rows == []
    assert parsed.errors == ["ligne 2 : accompanied « 99999999999999999999… » est démesuré"]


def test_active_cannot_exceed_accompanied():
    parsed = parse_declaration(b"finess_et,accompanied,active\n970405767,10,12\n")
    assert parsed.rows == []
    assert parsed.errors == ["ligne 2 : active (12) dépasse accompanied (10)"]


# --- per dossier: one computation at a time, quotas ---------------------------------------------------------------


@pytest.fixture
def world(db):
    from tests.dossiers.factories import make_world

    return make_world()


@pytest.fixture
def dossier(world):
    from esmsnum.dossiers.models import Status
    from tests.dossiers.factories import dossier_for

    return dossier_for(world, status=Status.NOTIFIED)


def _upload(name="extraction.zip"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, _zip(_tables()).getvalue(), content_type="application/zip")


def test_a_second_import_of_the_same_dossier_waits_for_the_first(world, dossier):
    import datetime as dt

    from esmsnum.usage import services
    from esmsnum.usage.models import ImportInProgress, UsageExtract

    ImportInProgress.objects.create(dossier=dossier)  # a computation is running
    with pytest.raises(services.UsageError, match="déjà en cours de calcul"):
        services.import_extract(
            dossier, by=world.users.porteur, uploaded_file=_upload(), measured_at=dt.date(2024, 10, 1)
        )
    assert not UsageExtract.objects.exists()
    # a slot left by a crash hours ago no longer blocks; the slot is released after the computation
    from esmsnum.core import clock

    ImportInProgress.objects.update(started_at=clock.now() - services.STALE_IMPORT - dt.timedelta(minutes=1))
    with pytest.raises(services.UsageError, match="Aucun ESSMS du dossier"):
        services.import_extract(
            dossier, by=world.users.porteur, uploaded_file=_upload(), measured_at=dt.date(2024, 10, 1)
        )
    assert not ImportInProgress.objects.exists()


def test_quota_of_extracts_per_dossier(world, dossier, monkeypatch):
    import datetime as dt

    from esmsnum.usage import services

    monkeypatch.setattr(services, "MAX_EXTRACTS_PER_DOSSIER", 0)
    with pytest.raises(services.UsageError, match="nombre maximal d'extractions"):
        services.import_extract(
            dossier, by=world.users.porteur, uploaded_file=_upload(), measured_at=dt.date(2024, 10, 1)
        )


def test_quota_of_pieces_per_dossier(world, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esmsnum.dossiers import services as dossier_services
    from esmsnum.dossiers.errors import DossierError
    from esmsnum.dossiers.selectors import required_documents
    from esmsnum.dossiers.services import pieces
    from tests.dossiers.factories import dossier_for

    draft = dossier_for(world)
    monkeypatch.setattr(pieces, "MAX_DOCUMENTS_PER_DOSSIER", 0)
    code = required_documents(draft)[0].code
    with pytest.raises(DossierError, match="déjà 0 pièces"):
        dossier_services.upload_document(
            draft,
            by=world.users.porteur,
            piece_code=code,
            uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        )
