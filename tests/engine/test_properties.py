"""Property-based tests of the engine (hypothesis)."""

from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from esmsnum.domain.engine import evaluate, parse_dossier
from esmsnum.domain.money import split_by_percent, split_by_weight

from .builders import dossier, essms, og

D = Decimal
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CAMPAIGNS = {"generalisation-2024": "04", "amorcage-2021-t2": "32", "amorcage-2021-t1": "93"}
REGIONS = ["11", "84", "93"]


@st.composite
def dossiers(draw, campaign=None):
    campaign = campaign or draw(st.sampled_from(sorted(CAMPAIGNS)))
    region = CAMPAIGNS[campaign]
    n = draw(st.integers(min_value=1, max_value=70))
    ogs = draw(st.integers(min_value=1, max_value=min(n, 5)))
    situation = draw(st.sampled_from(["acquisition", "upgrade"]))
    data = dossier(campaign, region, n=n, ogs=ogs, situation=situation)
    for index, organisation in enumerate(data["organisations"]):
        organisation["essms_managed"] = draw(st.integers(min_value=n, max_value=n + 30)) if index else n
    mixed = campaign != "amorcage-2021-t1" and draw(st.booleans())
    for establishment in data["establishments"]:
        if mixed and draw(st.booleans()):
            establishment["situation"] = "upgrade" if situation == "acquisition" else "acquisition"
            establishment["current_solution"] = "Logiciel X" if establishment["situation"] == "upgrade" else None
        if draw(st.integers(0, 9)) == 0:
            total = draw(st.integers(min_value=1, max_value=50000))
            establishment["category"] = "460"
            establishment["saad_hours"] = {"total": total, "medico_social": draw(st.integers(0, total))}
        if draw(st.booleans()):
            establishment["hardware_quote_eur"] = str(draw(st.decimals(0, 30000, places=2)))
        if draw(st.integers(0, 4)) == 0:
            establishment["region"] = draw(st.sampled_from(REGIONS))
    if mixed:
        data["project_type"] = "mixed"
    data["requests"] = {name: draw(st.booleans()) for name in ("equipment", "amoa_market", "amoa_pilot")}
    if draw(st.booleans()):
        data["amoa_quote_eur"] = str(draw(st.decimals(0, 200000, places=2)))
    if campaign == "generalisation-2024":
        data["submitted_at"] = "2024-05-01T10:00:00+04:00"
    return data


@SETTINGS
@given(dossiers())
def test_tranches_and_regions_always_add_up_to_the_total(data):
    result = evaluate(parse_dossier(data))
    total = result.funding.total_eur
    assert total == sum((line.amount_eur for line in result.funding.lines), D(0))
    if result.verdict != "ineligible":
        assert sum(t.amount_eur for t in result.tranches) == total
        assert all(t.amount_eur >= 0 for t in result.tranches)
    assert sum(share.amount_eur for share in result.by_region) == total
    assert all(share.amount_eur >= 0 for share in result.by_region)
    assert sum(share.essms_count for share in result.by_region) == result.essms_count
    for amount in [
        total,
        *(t.amount_eur for t in result.tranches),
        *(line.amount_eur for line in result.funding.lines),
    ]:
        assert amount == amount.quantize(D("0.01"))


@settings(max_examples=300, deadline=None)
@given(st.decimals(0, 10**9, places=2), st.lists(st.integers(1, 100), min_size=1, max_size=5))
def test_splits_are_exact(total, weights):
    percents = [D(w) * 100 / sum(weights) for w in weights]
    percents[-1] = 100 - sum(percents[:-1])
    tranches = split_by_percent(total, percents)
    assert sum(tranches) == total
    assert all(part >= 0 for part in tranches)
    parts = split_by_weight(total, weights, 0)
    assert sum(parts) == total
    assert all(part >= 0 for part in parts)


@SETTINGS
@given(dossiers(), st.data())
def test_funding_never_decreases_when_an_eligible_essms_is_added(data, draw):
    before = evaluate(parse_dossier(data))
    assume(before.verdict != "ineligible")
    situation = draw.draw(st.sampled_from(sorted({e["situation"] for e in data["establishments"]})))
    organisation = draw.draw(st.sampled_from(data["organisations"]))
    listed = sum(1 for e in data["establishments"] if e["finess_ej"] == organisation["finess_ej"])
    if organisation["essms_managed"] <= listed:  # a new ESSMS must be one the OG manages: add a new small OG
        organisation = og(50, data["region"], managed=1)
        data["organisations"].append(organisation)
    added = essms(8000, organisation["finess_ej"], data["establishments"][0]["region"], situation)
    added["hardware_quote_eur"] = "10000"
    data["establishments"].append(added)
    after = evaluate(parse_dossier(data))
    assume(after.verdict != "ineligible")
    assert after.funding.total_eur >= before.funding.total_eur
    assert after.essms_count == before.essms_count + 1


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=120), st.sampled_from(["acquisition", "upgrade"]))
def test_rank_tiers_change_exactly_at_the_50th_essms(n, situation):
    def total(count):
        return evaluate(parse_dossier(dossier(n=count, ogs=1, managed=200, situation=situation))).funding.total_eur

    first, later = {"acquisition": (21000, 5000), "upgrade": (5000, 2000)}[situation]
    assert total(n) - total(n - 1) == (first if n <= 49 else later)


@SETTINGS
@given(dossiers(), st.randoms(use_true_random=False))
def test_order_of_the_establishments_does_not_change_the_result(data, random):
    before = evaluate(parse_dossier(data))
    random.shuffle(data["establishments"])
    after = evaluate(parse_dossier(data))
    assert after.funding.total_eur == before.funding.total_eur
    assert after.verdict == before.verdict
