"""`esmsnum finess import`: parsing, validation, idempotence, updates, closing, transactionality."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from click.testing import CliRunner

from esmsnum.cli import main
from esmsnum.referential.importer import ExtractError, import_extract
from esmsnum.referential.models import Category, Establishment, Organisation

from .extract import ej, et, geolocation, structure, write

pytestmark = pytest.mark.django_db

ET1, ET2, ET3 = et("75", 1), et("75", 2), et("2A", 3)
EJ1, EJ2 = ej("75", 1), ej("2A", 2)


def base_lines() -> list[str]:
    return [
        structure(ET1, EJ1, "EHPAD LES TILLEULS"),
        structure(ET2, EJ1, "SSIAD DU MARAIS", category="354", aggregate="4605"),
        structure(ET3, EJ2, "IME U LICEU", category="183", aggregate="4101", commune_line="20000 AJACCIO"),
    ]


def snapshot():
    return sorted(
        Establishment.objects.values_list("finess_et", "name", "is_open", "closed_on", "source_digest", "updated_at")
    )


def reasons(result) -> list[tuple[int, str]]:
    return [(issue.line, issue.reason) for issue in result.issues if issue.level == "rejet"]


def test_import_creates_establishments_and_organisations(tmp_path):
    result = import_extract(write(tmp_path / "f.csv", base_lines()))
    assert (result.created, result.updated, result.unchanged, result.closed, result.rejected) == (3, 0, 0, 0, 0)
    assert result.full
    assert result.file_date == dt.date(2026, 5, 12)
    assert result.organisations_created == 2
    ehpad = Establishment.objects.select_related("organisation").get(finess_et=ET1)
    assert ehpad.organisation.finess_ej == EJ1
    assert ehpad.organisation.name == ""
    assert ehpad.organisation.department_id == "75"
    assert (ehpad.public, ehpad.financeur, ehpad.medicalised) == ("PA", "am_cd", True)
    assert (ehpad.region_id, ehpad.department_id, ehpad.category_id) == ("11", "75", "500")
    assert (ehpad.postcode, ehpad.commune) == ("75011", "PARIS")
    assert ehpad.address == "12 R DES LILAS, BP 7"
    assert (ehpad.phone, ehpad.siret) == ("0102030405", "12345678901234")
    assert ehpad.opened_on == dt.date(2001, 1, 1)
    assert ehpad.finess_updated_on == dt.date(2020, 1, 1)
    assert ehpad.is_open
    assert ehpad.closed_on is None
    assert len(ehpad.source_digest) == 32
    assert Establishment.objects.get(finess_et=ET2).public == "DOM"
    ime = Establishment.objects.get(finess_et=ET3)
    assert (ime.region_id, ime.department_id) == ("94", "2A")
    assert Organisation.objects.get(finess_ej=EJ2).department_id == "2A"


def test_reimport_changes_nothing(tmp_path):
    path = write(tmp_path / "f.csv", base_lines())
    import_extract(path)
    before = snapshot()
    result = import_extract(path)
    assert (result.created, result.updated, result.unchanged, result.closed, result.reopened) == (0, 0, 3, 0, 0)
    assert snapshot() == before
    assert Organisation.objects.count() == 2


def test_changed_row_is_updated(tmp_path):
    import_extract(write(tmp_path / "a.csv", base_lines()))
    lines = base_lines()
    lines[0] = structure(ET1, EJ2, "EHPAD LES TILLEULS RENOVE", category="502", commune_line="75012 PARIS")
    result = import_extract(write(tmp_path / "b.csv", lines))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    ehpad = Establishment.objects.get(finess_et=ET1)
    assert (ehpad.name, ehpad.postcode, ehpad.category_id) == ("EHPAD LES TILLEULS RENOVE", "75012", "502")
    assert (ehpad.public, ehpad.financeur, ehpad.medicalised) == ("PA", "cd", False)
    assert ehpad.organisation.finess_ej == EJ2
    assert "RENOVE" in ehpad.search_text


def test_full_file_closes_missing_and_reopens_reappearing(tmp_path):
    import_extract(write(tmp_path / "a.csv", base_lines()))
    result = import_extract(write(tmp_path / "b.csv", base_lines()[:2], header="finess;etalab;111;2026-06-01"))
    assert (result.closed, result.unchanged) == (1, 2)
    closed = Establishment.objects.get(finess_et=ET3)
    assert not closed.is_open
    assert closed.closed_on == dt.date(2026, 6, 1)
    result = import_extract(write(tmp_path / "c.csv", base_lines()))
    assert (result.reopened, result.closed, result.unchanged) == (1, 0, 2)
    reopened = Establishment.objects.get(finess_et=ET3)
    assert reopened.is_open
    assert reopened.closed_on is None
    assert Establishment.objects.count() == 3  # never deleted


def test_partial_file_closes_nothing(tmp_path):
    import_extract(write(tmp_path / "a.csv", base_lines()))
    result = import_extract(write(tmp_path / "b.csv", base_lines()[:1]), full=False)
    assert (result.closed, result.unchanged, result.full) == (0, 1, False)
    assert Establishment.objects.filter(is_open=True).count() == 3
    # without the header, a file is partial unless told otherwise
    result = import_extract(write(tmp_path / "c.csv", base_lines()[:1], header=None))
    assert not result.full
    assert result.closed == 0
    result = import_extract(write(tmp_path / "d.csv", base_lines()[:1], header=None), full=True)
    assert result.closed == 2
    assert Establishment.objects.get(finess_et=ET2).closed_on == dt.date.today()


def test_automatic_full_mode_refuses_to_close_most_establishments(tmp_path):
    many = [structure(et("69", n), ej("69", 1), f"ETAB {n}", commune_line="69001 LYON") for n in range(1, 81)]
    import_extract(write(tmp_path / "a.csv", many))
    before = snapshot()
    with pytest.raises(ExtractError, match="fermerait 79 établissements"):
        import_extract(write(tmp_path / "b.csv", many[:1]))
    assert snapshot() == before
    result = import_extract(write(tmp_path / "b.csv", many[:1]), full=True)
    assert result.closed == 79


def test_quotes_extra_field_latin1_and_gzip(tmp_path):
    lines = [
        structure(ET1, EJ1, 'LIEU DE VIE "MAVOUNA; MEMA"', quote_name=True),
        structure(ET2, EJ1, "FOYER ÉLÉONORE À SÈTE", extra_field=True, commune_line="34200 SÈTE"),
    ]
    result = import_extract(write(tmp_path / "latin.csv", lines, encoding="latin-1"))
    assert result.encoding == "latin-1"
    assert result.rejected == 0
    assert Establishment.objects.get(finess_et=ET1).name == 'LIEU DE VIE "MAVOUNA; MEMA"'
    foyer = Establishment.objects.get(finess_et=ET2)
    assert (foyer.name, foyer.commune) == ("FOYER ÉLÉONORE À SÈTE", "SÈTE")
    assert "ELEONORE" in foyer.search_text
    # the same content in UTF-8 and gzip: nothing changes
    result = import_extract(write(tmp_path / "utf8.csv.gz", lines))
    assert result.encoding == "utf-8"
    assert (result.unchanged, result.updated) == (2, 0)


def test_bad_lines_are_reported_with_line_and_reason(tmp_path):
    bad_key = ET1[:-1] + str((int(ET1[-1]) + 1) % 10)
    lines = [
        structure(ET1, EJ1),  # line 2: fine
        structure(bad_key, EJ1),  # 3
        structure(et("75", 4), EJ1, department="XZ"),  # 4
        ";".join(structure(et("75", 5), EJ1).split(";")[:30]),  # 5: 30 fields
        structure(et("75", 6), EJ1, dateouv="2001-13-45"),  # 6
        structure(et("75", 7), EJ1, ""),  # 7: no name
        structure(ET1, EJ1, "DOUBLON"),  # 8: duplicate
        structure(et("75", 9), "75000000X"),  # 9: bad EJ
        "autrechose;1;2",  # 10
        structure(et("75", 11), EJ1, category="999", aggregate="4999"),  # 11: unknown category and aggregate
        "",  # blank line: ignored
    ]
    result = import_extract(write(tmp_path / "f.csv", lines))
    rejected = dict(reasons(result))
    assert sorted(rejected) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "clé" in rejected[3]
    assert "est fausse" in rejected[3]
    assert rejected[4] == "département « XZ » inconnu"
    assert rejected[5] == "30 champs au lieu de 31 ou 32"
    assert "date d'ouverture « 2001-13-45 » invalide" in rejected[6]
    assert rejected[7] == "raison sociale absente"
    assert rejected[8] == "FINESS ET en double (déjà ligne 2)"
    assert rejected[9].startswith("FINESS EJ")
    assert rejected[10] == "type de ligne inconnu « autrechose »"
    assert "catégorie d'établissement « 999 » inconnue" in rejected[11]
    assert result.created == 1
    assert Establishment.objects.count() == 1


def test_unknown_category_with_known_aggregate_is_added(tmp_path):
    line = structure(ET1, EJ1, category="998", aggregate="4401")
    result = import_extract(write(tmp_path / "f.csv", [line]))
    assert result.rejected == 0
    assert result.categories_created == 1
    assert "catégorie « 998 » absente" in result.issues[0].reason
    category = Category.objects.get(code="998")
    assert (category.public, category.financeur, category.aggregate_code) == ("PA", "cd", "4401")
    assert Establishment.objects.get(finess_et=ET1).category_id == "998"


def test_overseas_department_97_is_read_from_the_number(tmp_path):
    number = et("97", 40001)  # 9704… : La Réunion
    result = import_extract(write(tmp_path / "f.csv", [structure(number, EJ1, department="97")]))
    assert result.rejected == 0
    assert result.warnings == 1
    assert "9D" in result.issues[0].reason
    assert Establishment.objects.get(finess_et=number).region_id == "04"


def test_geolocation_lines(tmp_path):
    lines = [
        *base_lines(),
        geolocation(ET1),
        geolocation(ET2, x="abc"),
        geolocation(et("75", 99)),
    ]
    result = import_extract(write(tmp_path / "f.csv", lines))
    assert result.geolocated == 1
    assert reasons(result) == [(6, "coordonnées illisibles « abc ; 6862035.1 »")]
    assert [(i.line, i.level) for i in result.issues if i.level != "rejet"] == [(7, "avertissement")]
    ehpad = Establishment.objects.get(finess_et=ET1)
    assert (ehpad.geo_x, ehpad.geo_y) == (652469.2, 6862035.1)
    assert ehpad.geo_system.endswith("LAMBERT_93")
    assert ehpad.latitude is None
    assert ehpad.longitude is None
    # moved coordinates are an update
    lines[3] = geolocation(ET1, x="652470.0")
    result = import_extract(write(tmp_path / "g.csv", lines))
    assert result.updated == 1
    assert Establishment.objects.get(finess_et=ET1).geo_x == 652470.0


def test_unreadable_file_leaves_the_database_unchanged(tmp_path):
    import_extract(write(tmp_path / "a.csv", base_lines()))
    before = snapshot()
    big = [structure(et("69", n), ej("69", 1), f"ETAB {n}", commune_line="69001 LYON") for n in range(1, 3000)]
    good = write(tmp_path / "big.csv.gz", base_lines() + big)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.csv.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractError, match="ne peut pas être lu"):
        import_extract(truncated)
    corrupted = tmp_path / "corrupted.csv.gz"
    corrupted.write_bytes(data[:100] + bytes(50) + data[150:])
    with pytest.raises(ExtractError):
        import_extract(corrupted)
    not_finess = tmp_path / "other.csv"
    not_finess.write_text("nom;prenom\nDupont;Jean\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="n'est pas une extraction FINESS"):
        import_extract(not_finess)
    with pytest.raises(ExtractError, match="introuvable"):
        import_extract(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ExtractError, match="vide"):
        import_extract(empty)
    assert snapshot() == before


def test_failure_during_the_import_rolls_everything_back(tmp_path, monkeypatch):
    from esmsnum.referential import writer

    import_extract(write(tmp_path / "a.csv", base_lines()[:1]))
    before = snapshot()
    original = writer.Writer.flush
    calls = {"n": 0}

    def failing_flush(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disque plein")
        return original(self, rows)

    monkeypatch.setattr(writer.Writer, "flush", failing_flush)
    lines = [structure(et("69", n), ej("69", 1), f"ETAB {n}", commune_line="69001 LYON") for n in range(1, 30)]
    with pytest.raises(ExtractError):
        import_extract(write(tmp_path / "b.csv", lines), batch_size=10, full=False)
    assert snapshot() == before
    assert not Organisation.objects.filter(finess_ej=ej("69", 1)).exists()


def test_existing_organisation_name_is_kept(tmp_path):
    Organisation.objects.create(finess_ej=EJ1, name="Association des Tilleuls")
    import_extract(write(tmp_path / "f.csv", base_lines()))
    assert Organisation.objects.get(finess_ej=EJ1).name == "Association des Tilleuls"


def test_progress_callback_reaches_the_file_size(tmp_path):
    path = write(tmp_path / "f.csv", base_lines())
    seen = []
    import_extract(path, progress=seen.append)
    assert seen
    assert seen[-1] == path.stat().st_size


# --- command line ---------------------------------------------------------------------------------------------


def test_command_prints_a_summary_and_writes_the_report(tmp_path):
    lines = [*base_lines(), structure(et("75", 8), EJ1, department="XZ")]
    report = tmp_path / "rapport.csv"
    result = CliRunner().invoke(
        main, ["finess", "import", str(write(tmp_path / "f.csv", lines)), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "3 créés, 0 mis à jour, 0 inchangés, 0 fermés" in result.output
    assert "Lignes rejetées : 1" in result.output
    assert "ligne 5" in result.output
    assert "département « XZ » inconnu" in result.output
    assert "Import FINESS" not in result.output  # no progress bar without a terminal
    content = report.read_text(encoding="utf-8").splitlines()
    assert content[0] == "ligne;finess;niveau;motif"
    assert content[1].startswith("5;")
    assert content[1].endswith(";rejet;département « XZ » inconnu")


def test_command_partial_flag(tmp_path):
    import_extract(write(tmp_path / "a.csv", base_lines()))
    path = write(tmp_path / "b.csv", base_lines()[:1])
    result = CliRunner().invoke(main, ["finess", "import", str(path), "--partial"])
    assert result.exit_code == 0, result.output
    assert "0 fermés" in result.output
    assert "partiel" in result.output


def test_command_unreadable_file_exits_2_in_french(tmp_path):
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(gzip.compress(b"finess;etalab;1;2021-01-01\n")[:-8] + b"garbage!")
    result = CliRunner().invoke(main, ["finess", "import", str(bad)])
    assert result.exit_code == 2
    assert "Erreur" in result.output
    assert "La base n'a pas été modifiée." in result.output
    result = CliRunner().invoke(main, ["finess", "import", str(tmp_path / "absent.csv")])
    assert result.exit_code == 2
    assert "introuvable" in result.output
