"""The engine walks its ordered ``RULES`` tuple: the findings come in that order, each rule is callable alone."""

import json
from pathlib import Path

import pytest

from esmsnum.domain.campaigns import get_campaign
from esmsnum.domain.engine import RULES, evaluate, parse_dossier
from esmsnum.domain.engine.context import _context
from esmsnum.domain.engine.funding import _envelope, _funding_lines
from esmsnum.domain.money import ZERO

from .builders import dossier

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.dossier.json"))
SOLUTION_RULES = ("_rule_same_solution", "_rule_same_hosting", "_rule_national_market", "_rule_segur")


def documents():
    yield "builder", dossier()
    yield "builder-upgrade", dossier(n=12, situation="upgrade")
    for path in EXAMPLES:
        yield path.name, json.loads(path.read_text(encoding="utf-8"))


def rule_by_rule(data: dict) -> list[list[tuple[str, str, str]]]:
    """The findings of each rule, each rule run alone on a fresh context."""
    parsed = parse_dossier(data)
    outputs = []
    for rule in RULES:
        ctx = _context(parsed, get_campaign(parsed.campaign), None)
        rule(ctx)
        outputs.append([(finding.code, finding.status, finding.message) for finding in ctx.findings])
    return outputs


@pytest.mark.parametrize(("name", "data"), list(documents()), ids=[name for name, _ in documents()])
def test_findings_are_the_concatenation_of_the_rules_in_order(name, data):
    result = evaluate(parse_dossier(data))
    expected = [finding for output in rule_by_rule(data) for finding in output]
    parsed = parse_dossier(data)
    ctx = _context(parsed, get_campaign(parsed.campaign), None)
    lines = _funding_lines(ctx)  # funding lines and envelope come after the rules
    _envelope(ctx, sum((line.amount_eur for line in lines), ZERO))
    expected += [(finding.code, finding.status, finding.message) for finding in ctx.findings]
    assert [(finding.code, finding.status, finding.message) for finding in result.findings] == expected


def test_rules_tuple_lists_one_function_per_rule_in_order():
    names = [rule.__name__ for rule in RULES]
    assert names[:4] == ["_rule_window", "_rule_unique", "_rule_size", "_rule_guichet"]
    assert tuple(names[6:10]) == SOLUTION_RULES
    assert len(names) == len(set(names)) == 15


@pytest.mark.parametrize(
    ("campaign", "region", "codes"),
    [
        ("generalisation-2024", "04", [["same_solution"], [], [], ["segur"]]),
        ("amorcage-2021-t2", "32", [["same_solution"], ["same_hosting"], ["national_market"], []]),
    ],
)
def test_each_solution_rule_is_callable_alone_and_gives_its_own_code(campaign, region, codes):
    data = dossier(campaign, region, n=15)
    for establishment in data["establishments"]:
        establishment["hosting"] = "saas"
    outputs = dict(zip([rule.__name__ for rule in RULES], rule_by_rule(data), strict=True))
    assert [[code for code, _, _ in outputs[name]] for name in SOLUTION_RULES] == codes
    assert [code for code, _, _ in outputs["_rule_guichet"]] == ["guichet"]
