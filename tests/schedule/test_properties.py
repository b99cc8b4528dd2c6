"""Properties of the schedule (hypothesis): the tranches add up to the final grant plus the recovery, each tranche's
regional shares add up to it, and the statuses follow the contract."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esmsnum.domain.schedule import schedule_from_json

D = Decimal
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINES = {
    "generalisation-2024": ["usage", "software", "hardware", "amoa_pilot"],
    "amorcage-2021-t2": ["acquisition", "upgrade", "deployment", "equipment", "amoa_market", "amoa_pilot"],
    "amorcage-2021-t1": ["acquisition", "upgrade", "equipment"],
}
TRANCHES = {
    "generalisation-2024": ["advance", "balance"],
    "amorcage-2021-t2": ["signature", "configuration", "deployment_end"],
    "amorcage-2021-t1": ["signature", "configuration", "usage"],
}
REGIONS = ["01", "11", "84", "93", "04"]
amounts = st.decimals(min_value=0, max_value=500000, places=2)
days = st.dates(min_value=__import__("datetime").date(2024, 1, 1), max_value=__import__("datetime").date(2026, 12, 31))


@st.composite
def documents(draw):
    campaign = draw(st.sampled_from(sorted(LINES)))
    codes = draw(st.lists(st.sampled_from(LINES[campaign]), min_size=1, unique=True))
    lines = {code: draw(amounts) for code in codes}
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=0, max_size=4, unique=True))
    by_region = [{"region": r, "essms_count": draw(st.integers(0, 60))} for r in regions]
    if by_region and not any(item["essms_count"] for item in by_region):
        by_region[0]["essms_count"] = 1
    porteur = draw(st.sampled_from(REGIONS))
    events = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(
            st.sampled_from(
                ["convention_signed", "payment", "configuration_completed", "project_completed", "usage_measured"]
                + (["expense_statement"] if campaign == "generalisation-2024" else [])
            )
        )
        event = {"kind": kind, "on": draw(days).isoformat()}
        if kind == "payment":
            event["tranche"] = draw(st.sampled_from(TRANCHES[campaign]))
            event["amount_eur"] = str(draw(amounts))
            if regions and draw(st.booleans()):
                event["region"] = draw(st.sampled_from(regions))
        elif kind in ("configuration_completed", "project_completed"):
            event["invoice"] = draw(st.booleans())
        elif kind == "usage_measured":
            event["targets_met"] = draw(st.booleans())
        elif kind == "expense_statement":
            event["certified"] = draw(st.booleans())
            event["lines"] = {code: str(draw(amounts)) for code in codes}
        events.append(event)
    return {
        "campaign": campaign,
        "at": draw(days).isoformat(),
        "porteur_region": porteur,
        "granted": {
            "lines": [{"code": code, "amount_eur": str(amount)} for code, amount in lines.items()],
            "by_region": by_region,
        },
        "any_acquisition": draw(st.booleans()),
        "duration_months": draw(st.none() | st.integers(1, 36)),
        "events": events,
    }


@SETTINGS
@given(documents())
def test_tranches_add_up_to_final_grant_plus_recovery(document):
    schedule = schedule_from_json(document)
    total = sum(t.amount_eur for t in schedule.tranches)
    assert total == schedule.final_grant_eur + schedule.recovery_eur
    assert schedule.recovery_eur >= 0
    assert all(t.amount_eur >= 0 for t in schedule.tranches)
    assert schedule.final_grant_eur <= schedule.granted_eur
    for tranche in schedule.tranches:
        assert tranche.amount_eur == tranche.amount_eur.quantize(D("0.01"))
    if schedule.recovery_eur:
        assert schedule.tranches[-1].amount_eur == 0


@SETTINGS
@given(documents())
def test_regional_shares_add_up_to_each_tranche(document):
    schedule = schedule_from_json(document)
    for tranche in schedule.tranches:
        assert sum(part.amount_eur for part in tranche.by_region) == tranche.amount_eur
        assert all(part.amount_eur >= 0 for part in tranche.by_region)


@SETTINGS
@given(documents())
def test_statuses_follow_the_contract(document):
    schedule = schedule_from_json(document)
    statuses = [t.status for t in schedule.tranches]
    assert set(statuses) <= {"paid", "payable", "pending", "withheld"}
    assert "withheld" not in statuses[:-1]
    assert schedule.due_eur == sum(
        (p.amount_eur for t in schedule.tranches if t.status == "payable" for p in t.by_region if not p.paid), D(0)
    )
    if schedule.signed_on is None:
        assert all(s in ("paid", "pending") for s in statuses)
    if schedule.overdue:
        assert schedule.expected_end is not None
        assert schedule.at > schedule.expected_end


@SETTINGS
@given(documents(), st.lists(st.integers(1, 400), max_size=4))
def test_events_after_at_change_nothing(document, offsets):
    from datetime import date, timedelta

    at = date.fromisoformat(document["at"])
    later = [{"kind": "convention_signed", "on": (at + timedelta(days=offset)).isoformat()} for offset in offsets] + [
        {"kind": "usage_measured", "on": (at + timedelta(days=offset)).isoformat(), "targets_met": False}
        for offset in offsets
    ]
    assert schedule_from_json({**document, "events": document["events"] + later}) == schedule_from_json(document)
