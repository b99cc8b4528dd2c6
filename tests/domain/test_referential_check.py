"""Cross-check of the declared establishments against the FINESS referential (pure domain)."""

import datetime as dt

from esmsnum.domain.referential_check import (
    FAIL,
    PASS,
    WARN,
    DeclaredEstablishment,
    ReferentialRecord,
    check_establishments,
    summary,
)

RECORD = ReferentialRecord(
    finess_et="970401016",
    finess_ej="970480014",
    name="EHPAD LES FLAMBOYANTS",
    is_open=True,
    category="500",
    category_label="Établissement d'hébergement pour personnes âgées dépendantes",
    category_public="PA",
    organisation_name="Association Ti Kaz Gramoun",
)


def _check(declared, record=RECORD):
    referential = {record.finess_et: record} if record else {}
    return check_establishments([declared], referential)[0]


def _by_code(check):
    return {f.code: f for f in check.findings}


def test_all_good():
    check = _check(DeclaredEstablishment("970401016", "970480014", category="500", public="PA"))
    assert check.status == PASS
    assert [f.code for f in check.findings] == ["exists", "open", "organisation", "category", "public"]
    assert all(f.status == PASS for f in check.findings)


def test_unknown_finess():
    check = _check(DeclaredEstablishment("970499991", "970480014"), record=None)
    assert check.status == FAIL
    assert check.findings[0].message == "Le FINESS ET 970499991 n'existe pas dans le référentiel FINESS."


def test_closed():
    closed = ReferentialRecord(**{**RECORD.__dict__, "is_open": False, "closed_on": dt.date(2023, 12, 31)})
    check = _check(DeclaredEstablishment("970401016", "970480014"), closed)
    assert check.status == FAIL
    expected = "L'établissement est fermé dans le référentiel FINESS depuis le 31/12/2023."
    assert _by_code(check)["open"].message == expected


def test_other_organisation():
    check = _check(DeclaredEstablishment("970401016", "970480022"))
    finding = _by_code(check)["organisation"]
    assert finding.status == FAIL
    assert "géré par l'EJ 970480014 (Association Ti Kaz Gramoun) et non par l'EJ déclarée 970480022" in finding.message


def test_public_and_category_mismatch_warn():
    check = _check(DeclaredEstablishment("970401016", "970480014", category="183", public="PH"))
    assert check.status == WARN
    codes = _by_code(check)
    assert codes["category"].status == WARN
    assert codes["public"].status == WARN
    assert "« personnes en situation de handicap »" in codes["public"].message
    assert "« personnes âgées »" in codes["public"].message


def test_summary():
    checks = check_establishments(
        [
            DeclaredEstablishment("970401016", "970480014", public="PA"),
            DeclaredEstablishment("970401016", "970480014", public="PH"),
            DeclaredEstablishment("970499991", "970480014"),
        ],
        {RECORD.finess_et: RECORD},
    )
    assert summary(checks) == {PASS: 1, WARN: 1, FAIL: 1}


def test_grappe_membership_when_no_ej_is_declared():
    inside = check_establishments([DeclaredEstablishment("970401016")], {RECORD.finess_et: RECORD}, {"970480014"})[0]
    assert _by_code(inside)["organisation"].status == PASS
    assert "membre de la grappe" in _by_code(inside)["organisation"].message
    outside = check_establishments([DeclaredEstablishment("970401016")], {RECORD.finess_et: RECORD}, {"970480022"})[0]
    assert outside.status == FAIL
    assert "n'est pas un organisme de la grappe" in _by_code(outside)["organisation"].message
