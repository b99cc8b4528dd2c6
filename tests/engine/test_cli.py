"""`esmsnum campaigns`, `esmsnum evaluate`: French output, exit status 2 and no traceback on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from esmsnum.cli import main

from .builders import dossier

EXAMPLE = Path(__file__).parent / "examples" / "2024-reunion-10-essms-petits-og.dossier.json"


def invoke(*args, stdin=None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_campaigns_lists_the_three_campaigns():
    result = invoke("campaigns")
    assert result.exit_code == 0
    for campaign in ("amorcage-2021-t1", "amorcage-2021-t2", "generalisation-2024"):
        assert campaign in result.output
    assert invoke("campaigns", "list").output == result.output


def test_campaigns_show_prints_the_campaign_in_french():
    result = invoke("campaigns", "show", "generalisation-2024")
    assert result.exit_code == 0
    output = result.output
    assert "Phase de généralisation 2024" in output
    assert "du 15/01/2024 00:00 au 02/06/2024 00:00 exclu (heure locale, La Réunion, UTC+04:00)" in output
    assert "7 000 € jusqu'au 49e, 2 000 € à partir du 50e" in output
    assert "Pièces à fournir" in output
    assert "taux de dossiers actifs : 90 %" in output
    paris = invoke("campaigns", "show", "generalisation-2024", "--region", "11").output
    assert "heure locale, Île-de-France, UTC+01:00" in paris


def test_campaigns_show_unknown():
    result = invoke("campaigns", "show", "generalisation-2099")
    assert result.exit_code == 2
    assert "campagne inconnue « generalisation-2099 »" in result.output
    assert "Traceback" not in result.output


def test_evaluate_json_is_the_contract():
    result = invoke("evaluate", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["verdict"] == "eligible"
    assert payload["funding"]["total_eur"] == 399000
    assert [t["amount_eur"] for t in payload["tranches"]] == [199500, 199500]
    assert set(payload) >= {"verdict", "guichet", "essms_count", "findings", "funding", "tranches", "by_region"}


def test_evaluate_text_is_a_report_an_instructor_can_sign():
    result = invoke("evaluate", str(EXAMPLE), "--format", "text")
    assert result.exit_code == 0, result.output
    output = result.output
    for words in (
        "ÉLIGIBLE",
        "Guichet : régional (ARS)",
        "10 ESSMS (FINESS géographiques uniques)",
        "Réf. : 002_645cd5cf5c4e0f21.txt §4.2 D",
        "Développement des usages",
        "Base : 10 ESSMS × 7 000 € (jusqu'au 49e ESSMS)",
        "399 000 €",
        "Avance à la signature de la convention (50 %)",
        "199 500 €",
        "Signature :",
    ):
        assert words in output, words
    assert max(len(line) for line in output.splitlines()) <= 100


def test_evaluate_reads_standard_input():
    result = invoke("evaluate", "-", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert result.exit_code == 0
    # the dossier read from stdin is the one evaluated: the same answer as when read from the file
    assert json.loads(result.output) == json.loads(invoke("evaluate", str(EXAMPLE)).output)
    assert json.loads(result.output)["funding"]["total_eur"] == 399000


def test_evaluate_simulation_with_now(tmp_path):
    data = dossier(n=10)
    del data["submitted_at"]
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    inside = json.loads(invoke("evaluate", str(path), "--now", "2024-03-01T10:00:00+04:00").output)
    assert inside["simulation"] is True
    assert inside["verdict"] == "eligible"
    assert invoke("evaluate", str(path), "--now", "hier").exit_code == 2
    assert invoke("evaluate", str(path), "--now", "2024-03-01T10:00:00").exit_code == 2


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "Fichier introuvable"),
        ("{", "JSON invalide, ligne 1"),
        ("[]", "le dossier doit être un objet JSON"),
        (b"\xff\xfe{", "UTF-8"),
        ("CAMPAIGN", "campaign : campagne inconnue « generalisation-2099 »"),
        ("KEY", "establishments[1].finess_et : la clé du numéro FINESS"),
        ("MALFORMED", "establishments[0].finess_et : le numéro FINESS « 97A » doit compter 9 caractères"),
        ("TYPE", "organisations[0].essms_managed : doit être un nombre entier"),
        ("MISSING", "establishments[0].situation : champ obligatoire manquant"),
    ],
)
def test_evaluate_bad_input_exit_2_with_the_field(tmp_path, content, words):
    path = tmp_path / "dossier.json"
    data = dossier(n=8)
    if content == "CAMPAIGN":
        data["campaign"] = "generalisation-2099"
    elif content == "KEY":
        data["establishments"][1]["finess_et"] = data["establishments"][1]["finess_et"][:8] + (
            "0" if data["establishments"][1]["finess_et"][8] != "0" else "1"
        )
    elif content == "MALFORMED":
        data["establishments"][0]["finess_et"] = "97A"
    elif content == "TYPE":
        data["organisations"][0]["essms_managed"] = "beaucoup"
    elif content == "MISSING":
        del data["establishments"][0]["situation"]
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content in {"{", "[]"}:
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_text(json.dumps(data), encoding="utf-8")
    result = invoke("evaluate", str(path))
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_evaluate_directory_is_an_input_error(tmp_path):
    result = invoke("evaluate", str(tmp_path))
    assert result.exit_code == 2
    assert "répertoire" in result.output


def test_the_installed_command_prints_no_traceback(tmp_path):
    path = tmp_path / "dossier.json"
    data = dossier(n=8)
    data["region"] = 4
    path.write_text(json.dumps(data), encoding="utf-8")
    command = [
        sys.executable,
        "-c",
        "import sys; from esmsnum.cli import main; sys.exit(main())",
        "evaluate",
        str(path),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "region : doit être une chaîne de caractères" in completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout


def test_bench_evaluate_runs_on_a_small_batch():
    result = invoke("bench", "evaluate", "--dossiers", "30", "--essms", "450", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert "30 dossiers, 450 ESSMS" in result.output
    assert "dossiers/s" in result.output


def test_bench_batch_is_valid_and_reproducible():
    from esmsnum.domain.engine import parse_dossier
    from esmsnum_bench.evaluate import make_batch

    batch = make_batch(50, 700, seed=3)
    assert batch == make_batch(50, 700, seed=3)
    assert sum(len(d["establishments"]) for d in batch) == 700
    for data in batch:
        parse_dossier(data)
