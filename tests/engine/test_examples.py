"""Example dossiers with expected results worked out by hand from the texts (examples/expected.json)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from esmsnum.domain.engine import evaluate, parse_dossier

EXAMPLES = Path(__file__).parent / "examples"
EXPECTED = {
    k: v for k, v in json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8")).items() if k[0] != "_"
}


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_every_example_has_its_expectation():
    names = {path.name.removesuffix(".dossier.json") for path in EXAMPLES.glob("*.dossier.json")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name):
    expected = EXPECTED[name]
    assert expected["cites"]
    assert expected["worked"]
    data = json.loads((EXAMPLES / f"{name}.dossier.json").read_text(encoding="utf-8"))
    result = evaluate(parse_dossier(data))
    assert result.verdict == expected["verdict"]
    assert result.guichet == expected["guichet"]
    assert result.essms_count == expected["essms_count"]
    assert {line.code: line.amount_eur for line in result.funding.lines} == {
        code: money(amount) for code, amount in expected["lines"].items()
    }
    assert result.funding.total_eur == money(expected["total"])
    assert [t.amount_eur for t in result.tranches] == [money(a) for a in expected["tranches"]]
    assert {share.region: share.amount_eur for share in result.by_region} == {
        code: money(amount) for code, amount in expected["by_region"].items()
    }
    for code, status in expected["findings"].items():
        found = {finding.status for finding in result.findings if finding.code == code}
        assert found == {status}, (code, [f.message for f in result.findings if f.code == code])
    non_pass = {f.code for f in result.findings if f.status != "pass"}
    assert non_pass <= set(expected["findings"]), non_pass - set(expected["findings"])
