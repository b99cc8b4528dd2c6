"""The usage app: extract and declaration uploads for a dossier, the stored proof, the pages and permissions."""

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esmsnum.accounts.models import Role
from esmsnum.dossiers.models import Status
from esmsnum.usage import selectors, services
from esmsnum.usage.archive import ArchiveRejected, unpack
from esmsnum.usage.models import DeclaredFigures, EditorDeclaration, Measurement, UsageExtract
from tests.dossiers.factories import (
    DossierFactory,
    EstablishmentFactory,
    UserFactory,
    add_establishment,
    dossier_for,
    make_world,
)
from tests.usage.extracts import write_extract

pytestmark = pytest.mark.django_db

D = dt.date(2024, 10, 1)
FOREIGN = "130000011"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def dossier(world):
    return dossier_for(world, status=Status.NOTIFIED)


def _finess(dossier):
    return [e.establishment.finess_et for e in dossier.establishments.order_by("establishment__finess_et")]


def _tables(good, weak, *, foreign=True, bad_kind=False):
    """``good`` meets every target (10 dossiers); ``weak`` has 10 accompanied, 5 active, no project."""
    dossiers = [(good, f"g{i}", "2024-01-01", None, None) for i in range(10)]
    dossiers += [(weak, f"w{i}", "2024-01-01", None, None) for i in range(10)]
    projects = [(good, f"g{i}", "2024-01-01", None) for i in range(10)]
    events = [(good, f"g{i}", "2024-08-01", kind) for i in range(10) for kind in ("agenda", "dmp_document", "mss_sent")]
    events += [(weak, f"w{i}", "2024-08-01", "update") for i in range(5)]
    if foreign:
        dossiers.append((FOREIGN, "x", "2024-01-01", None, None))
        events.append((FOREIGN, "x", "2024-08-01", "update"))
    if bad_kind:
        events.append((weak, "w9", "2024-08-01", "visite"))
    return {"dossiers": dossiers, "personalised_projects": projects, "events": events}


def _zip(tmp_path, tables, file_format="csv", *, folder="", name="extraction.zip") -> SimpleUploadedFile:
    directory = write_extract(tmp_path / f"tables-{len(list(tmp_path.iterdir()))}", tables, file_format)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, f"{folder}{path.name}")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def _import(dossier, world, upload, measured_at=D, **kwargs):
    return services.import_extract(
        dossier, by=world.users.porteur, uploaded_file=upload, measured_at=measured_at, **kwargs
    )


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_extract_is_computed_and_stored_with_its_checksum(tmp_path, world, dossier, file_format):
    good, weak = _finess(dossier)
    upload = _zip(tmp_path, _tables(good, weak), file_format)
    expected_sha = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    outcome = _import(dossier, world, upload)
    extract = outcome.extract
    assert extract.sha256 == expected_sha
    assert (extract.window_start, extract.window_end) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    assert extract.file_format == file_format
    assert extract.foreign_essms == [{"finess_et": FOREIGN, "active": 1}]  # reported, not stored
    assert extract.targets["active_rate"] == "90"
    with extract.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == expected_sha
    by_finess = {m.establishment.finess_et: m for m in Measurement.objects.filter(dossier=dossier)}
    assert set(by_finess) == {good, weak}
    assert (by_finess[good].active_rate, by_finess[good].mss_rate, by_finess[good].targets_met) == (
        Decimal("100.0"),
        Decimal("100.0"),
        True,
    )
    assert (by_finess[weak].accompanied, by_finess[weak].active, by_finess[weak].pp_rate) == (10, 5, Decimal("0.0"))
    assert not by_finess[weak].targets_met
    assert all(m.source_sha256 == expected_sha for m in by_finess.values())


def test_a_new_extract_for_the_same_date_replaces_the_figures_and_keeps_the_old_proof(tmp_path, world, dossier):
    good, weak = _finess(dossier)
    first = _import(dossier, world, _zip(tmp_path, _tables(good, weak))).extract
    tables = _tables(good, weak)
    tables["events"] += [(weak, f"w{i}", "2024-08-02", "update") for i in range(5, 10)]
    second = _import(dossier, world, _zip(tmp_path, tables)).extract
    assert first.sha256 != second.sha256
    assert UsageExtract.objects.filter(dossier=dossier).count() == 2
    weak_now = Measurement.objects.get(dossier=dossier, establishment__finess_et=weak)
    assert (weak_now.active, weak_now.extract_id, weak_now.source_sha256) == (10, second.pk, second.sha256)
    assert Measurement.objects.filter(dossier=dossier).count() == 2


def test_missing_essms_are_reported(tmp_path, world, dossier):
    good, weak = _finess(dossier)
    tables = _tables(good, weak)
    tables = {name: [row for row in rows if row[0] != weak] for name, rows in tables.items()}
    outcome = _import(dossier, world, _zip(tmp_path, tables))
    assert outcome.missing == [weak]
    assert outcome.extract.missing_essms == [weak]


def test_bad_rows_refuse_the_extract_unless_skipped(tmp_path, world, dossier):
    good, weak = _finess(dossier)
    with pytest.raises(services.UsageError) as info:
        _import(dossier, world, _zip(tmp_path, _tables(good, weak, bad_kind=True)))
    assert "1 ligne(s) invalide(s) : rien n'a été enregistré" in info.value.message
    assert any("type d'événement « visite » inconnu" in line for line in info.value.details)
    assert not UsageExtract.objects.exists()
    assert not Measurement.objects.exists()

    outcome = _import(dossier, world, _zip(tmp_path, _tables(good, weak, bad_kind=True)), skip_bad_rows=True)
    assert outcome.extract.skipped_rows == 1
    assert outcome.extract.bad_row_counts[0]["reason"] == "kind_unknown"


def test_an_extract_without_any_essms_of_the_dossier_is_refused(tmp_path, world, dossier):
    tables = {"dossiers": [(FOREIGN, "x", "2024-01-01", None, None)]}
    with pytest.raises(services.UsageError, match="Aucun ESSMS du dossier"):
        _import(dossier, world, _zip(tmp_path, tables))


def test_future_measurement_dates_are_refused(tmp_path, world, dossier):
    good, weak = _finess(dossier)
    with pytest.raises(services.UsageError, match="dans le futur"):
        _import(dossier, world, _zip(tmp_path, _tables(good, weak)), measured_at=dt.date(2999, 1, 1))


@pytest.mark.parametrize(
    ("status", "user", "message"),
    [
        (Status.FILED, "porteur", "une fois le dossier décidé"),
        (Status.NOTIFIED, "member", "Seul l'organisme porteur"),
        (Status.NOTIFIED, "instructor", "Seul l'organisme porteur"),
    ],
)
def test_only_the_porteur_of_a_decided_dossier_uploads(tmp_path, world, status, user, message):
    dossier = dossier_for(world, status=status)
    good, weak = _finess(dossier)
    with pytest.raises(services.UsageError, match=message):
        services.import_extract(
            dossier, by=getattr(world.users, user), uploaded_file=_zip(tmp_path, _tables(good, weak)), measured_at=D
        )


# --- archives ---------------------------------------------------------------------------------------------------


def _raw_zip(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


TABLE_FILES = {"dossiers.csv": b"a\n", "personalised_projects.csv": b"a\n", "events.csv": b"a\n"}


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({**TABLE_FILES, "notes.txt": b"x"}, "Fichier inattendu dans l'archive : « notes.txt »"),
        ({"dossiers.csv": b"a\n", "events.csv": b"a\n"}, "absente(s) de l'archive : personalised_projects"),
        ({**TABLE_FILES, "../events.parquet": b"x"}, "Fichier inattendu"),
        ({**TABLE_FILES, "a/b/events.parquet": b"x"}, "Fichier inattendu"),
        ({**TABLE_FILES, "events.parquet": b"x"}, "La table events figure deux fois"),
        ({"x/dossiers.csv": b"a", "y/personalised_projects.csv": b"a", "y/events.csv": b"a"}, "même dossier"),
    ],
)
def test_unexpected_archives_are_refused(tmp_path, members, message):
    with pytest.raises(ArchiveRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        unpack(_raw_zip(members), tmp_path / "out")


def test_archive_in_a_folder_with_clutter_is_accepted(tmp_path):
    members = {f"export/{name}": data for name, data in TABLE_FILES.items()}
    members |= {"__MACOSX/export/._events.csv": b"x", "export/.DS_Store": b"x"}
    unpacked = unpack(_raw_zip(members), tmp_path / "out")
    assert sorted(p.name for p in unpacked.directory.iterdir()) == sorted(TABLE_FILES)
    assert unpacked.file_format == "csv"


def test_not_a_zip_and_zip_bombs_are_refused(tmp_path):
    with pytest.raises(ArchiveRejected, match="n'est pas une archive zip"):
        unpack(io.BytesIO(b"%PDF-1.4 not a zip"), tmp_path / "a")
    with pytest.raises(ArchiveRejected, match="vide"):
        unpack(io.BytesIO(b""), tmp_path / "b")
    bomb = _raw_zip({**TABLE_FILES, "events.csv": b"0" * 5_000_000})
    with pytest.raises(ArchiveRejected, match="décompressée dépasse"):
        unpack(bomb, tmp_path / "c", max_unpacked=1_000_000)


# --- declarations -------------------------------------------------------------------------------------------------


def test_declaration_is_stored_and_shown_beside_the_computed_figures(tmp_path, client, world, dossier):
    good, weak = _finess(dossier)
    _import(dossier, world, _zip(tmp_path, _tables(good, weak)))
    csv_text = (
        "finess_et;accompanied;active;active_with_pp;mss_messages\n"
        f"{good};10;10;10;10\n"
        f"{weak};10;7;;\n"  # the editor counts 7 active where the extract gives 5
        f"{FOREIGN};3;3;;\n"
    )
    upload = SimpleUploadedFile("déclaration.csv", ("\ufeff" + csv_text).encode("utf-8"), content_type="text/csv")
    outcome = services.import_declaration(
        dossier, by=world.users.porteur, uploaded_file=upload, measured_at=D, editor="Éditeur DUI"
    )
    assert outcome.foreign == [FOREIGN]
    assert DeclaredFigures.objects.get(establishment__finess_et=weak).active == 7
    assert DeclaredFigures.objects.get(establishment__finess_et=weak).active_with_pp is None

    usage = selectors.dossier_usage(dossier)
    (block,) = usage.blocks
    weak_line = next(line for line in block.lines if line.establishment.finess_et == weak)
    assert [c.key for c in weak_line.counts if c.differs] == ["active"]
    active_rate = next(c for c in weak_line.rates if c.key == "active_rate")
    assert (active_rate.value, active_rate.declared, active_rate.differs) == (Decimal("50.0"), Decimal("70.0"), True)
    pp_rate = next(c for c in weak_line.rates if c.key == "pp_rate")
    assert (pp_rate.declared, pp_rate.differs) == (None, False)  # not declared: no difference shown

    client.force_login(world.users.porteur)
    page = client.get(reverse("usage:dossier", args=[dossier.pk])).content.decode()
    assert "déclaré : 7 (écart)" in page
    assert "Éditeur DUI" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide"),
        (b"finess_et,active\n", "colonne(s) manquante(s) : accompanied"),
        (b"finess_et,accompanied,active,bonus\n", "colonne(s) inconnue(s) : bonus"),
        (b"finess_et,accompanied,active\n123,1,1\n", "ligne(s) invalide(s) dans la déclaration"),
    ],
)
def test_bad_declarations_are_refused(world, dossier, content, message):
    upload = SimpleUploadedFile("d.csv", content, content_type="text/csv")
    with pytest.raises(services.UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.import_declaration(dossier, by=world.users.porteur, uploaded_file=upload, measured_at=D)
    assert not EditorDeclaration.objects.exists()


# --- pages --------------------------------------------------------------------------------------------------------


def test_dossier_page_shows_rates_targets_trend_and_the_tranche_condition(tmp_path, client, world, dossier):
    good, weak = _finess(dossier)
    _import(dossier, world, _zip(tmp_path, _tables(good, weak)), measured_at=dt.date(2024, 7, 1))
    _import(dossier, world, _zip(tmp_path, _tables(good, weak)), measured_at=D)
    client.force_login(world.users.instructor)
    response = client.get(reverse("usage:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dernière mesure au 01/10/2024" in page
    assert "Mesure au 01/07/2024" in page
    assert "condition d’usage non remplie" in page
    assert "1 ESSMS sur 2 atteignent les cibles à la mesure du 01/10/2024" in page
    assert page.count("<svg") == 2  # one trend chart per ESSMS
    assert "cible 90 %" in page
    assert "Calculer et enregistrer les indicateurs" not in page  # the instructor does not upload
    extract = UsageExtract.objects.filter(dossier=dossier).first()
    assert extract.sha256 in page


def test_tranche_condition_met_when_every_essms_meets_the_targets(tmp_path, world, dossier):
    tables = {"dossiers": [], "personalised_projects": [], "events": []}
    for finess in _finess(dossier):  # both ESSMS like "good": every rate at 100 %
        good_only = _tables(finess, "", foreign=False)
        for name, rows in good_only.items():
            tables[name] += [row for row in rows if row[0] == finess]
    _import(dossier, world, _zip(tmp_path, tables))
    (tranche,) = selectors.dossier_usage(dossier).tranches
    assert (tranche.code, tranche.state) == ("balance", "met")


def test_no_measure_yet(world, dossier):
    usage = selectors.dossier_usage(dossier)
    assert usage.blocks == []
    assert usage.latest is None
    assert [t.state for t in usage.tranches] == ["no_measure"]


def test_upload_through_the_page(tmp_path, client, world, dossier):
    good, weak = _finess(dossier)
    client.force_login(world.users.porteur)
    url = reverse("usage:upload_extract", args=[dossier.pk])
    response = client.post(url, {"measured_at": "2024-10-01", "file": _zip(tmp_path, _tables(good, weak))})
    assert response.status_code == 302
    assert Measurement.objects.filter(dossier=dossier).count() == 2
    page = client.get(reverse("usage:dossier", args=[dossier.pk])).content.decode()
    assert "Extraction enregistrée" in page
    assert "1 ESSMS hors du dossier ignoré(s) : 130000011" in page

    refused = client.post(
        url, {"measured_at": "2024-10-01", "file": _zip(tmp_path, _tables(good, weak, bad_kind=True))}
    )
    assert refused.status_code == 400
    assert "Dépôt refusé" in refused.content.decode()
    assert "type d&#x27;événement « visite » inconnu" in refused.content.decode()


def test_proof_download(tmp_path, client, world, dossier):
    good, weak = _finess(dossier)
    extract = _import(dossier, world, _zip(tmp_path, _tables(good, weak))).extract
    client.force_login(world.users.grades)
    response = client.get(reverse("usage:extract", args=[dossier.pk, extract.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == extract.sha256


ROLES = ["porteur", "member", "other", "instructor", "instructor_other", "grades", "national", "admin", "anonymous"]


def _codes(client, world, url, method="get", data=None):
    got = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(world.users, role))
        response = getattr(client, method)(url, data or {})
        if response.streaming:
            b"".join(response.streaming_content)
        got[role] = response.status_code
    return got


def test_permission_matrix(tmp_path, client, world, dossier):
    good, weak = _finess(dossier)
    extract = _import(dossier, world, _zip(tmp_path, _tables(good, weak))).extract
    view = _codes(client, world, reverse("usage:dossier", args=[dossier.pk]))
    assert view == dict(zip(ROLES, [200, 200, 404, 200, 404, 200, 200, 200, 302], strict=True))
    download = _codes(client, world, reverse("usage:extract", args=[dossier.pk, extract.pk]))
    assert download == view
    upload = _codes(client, world, reverse("usage:upload_extract", args=[dossier.pk]), "post")
    assert upload == dict(zip(ROLES, [400, 403, 404, 403, 404, 403, 403, 403, 302], strict=True))
    national = _codes(client, world, reverse("usage:national"))
    assert national == dict(zip(ROLES, [403, 403, 403, 302, 302, 302, 200, 200, 302], strict=True))
    regional = _codes(client, world, reverse("usage:regional", args=[world.reunion.code]))
    assert regional == dict(zip(ROLES, [403, 403, 403, 200, 403, 200, 200, 200, 302], strict=True))


def test_national_count_takes_the_latest_measurement_of_each_essms(tmp_path, client, world, dossier):
    good, weak = _finess(dossier)
    _import(dossier, world, _zip(tmp_path, _tables(good, weak)), measured_at=dt.date(2024, 7, 1))
    tables = _tables(good, weak)
    tables["events"] += [(weak, f"w{i}", "2024-08-02", "update") for i in range(5, 10)]
    _import(dossier, world, _zip(tmp_path, tables), measured_at=D)
    # another dossier (Hauts-de-France) with one ESSMS measured
    other = DossierFactory(porteur=world.hdf_org, status=Status.DECIDED)
    nord = add_establishment(other, EstablishmentFactory(organisation=world.hdf_org)).establishment
    porteur_hdf = UserFactory(username="porteur.hdf", role=Role.PORTEUR, organisation=world.hdf_org)
    services.import_extract(
        other,
        by=porteur_hdf,
        uploaded_file=_zip(
            tmp_path,
            {
                "dossiers": [(nord.finess_et, "n1", "2024-01-01", None, None)],
                "events": [(nord.finess_et, "n1", "2024-09-01", "update")],
            },
        ),
        measured_at=D,
    )
    usage = selectors.national_usage()
    assert (usage.active, usage.essms, usage.dossiers) == (10 + 10 + 1, 3, 2)
    assert {line.region.code: line.active for line in usage.regions} == {"04": 20, nord.region_id: 1}
    assert selectors.national_usage("04").active == 20

    client.force_login(world.users.national)
    page = client.get(reverse("usage:national")).content.decode()
    assert "21 DUI actifs sur une cible de 410\u202f000" in page
    client.force_login(world.users.instructor)
    regional = client.get(reverse("usage:regional", args=["04"])).content.decode()
    assert 'fr-tile__title">20<' in regional
    assert "La Réunion" in regional
