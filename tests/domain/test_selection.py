"""Scoring grid, committee ranking, regional envelope and decision groups (pure domain)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esmsnum.domain.selection import (
    CommitteeEntry,
    DecisionGroup,
    ScoringError,
    check_allocation,
    decision_errors,
    envelope_summary,
    format_eur,
    priority_criteria,
    rank_for_committee,
    weighted_score,
)

D = Decimal


def test_format_eur_french():
    assert format_eur(D("1566149")) == "1\u202f566\u202f149,00\u00a0€"
    assert format_eur(D("0.5")) == "0,50\u00a0€"
    assert format_eur(D("-1234.567")) == "-1\u202f234,57\u00a0€"
    assert format_eur(None) == "—"


@pytest.mark.parametrize("campaign", ["amorcage-2021-t1", "amorcage-2021-t2", "generalisation-2024"])
def test_every_campaign_has_a_cited_grid(campaign):
    criteria = priority_criteria(campaign)
    assert criteria
    assert len({c.code for c in criteria}) == len(criteria)
    for criterion in criteria:
        assert criterion.label
        assert criterion.reference.startswith(("000_", "001_", "002_", "003_", "004_"))
        assert criterion.default_weight >= 0


def test_unknown_campaign():
    with pytest.raises(KeyError):
        priority_criteria("nope-1999")


def test_weighted_score_scale():
    weights = {"a": D(2), "b": D(1)}
    assert weighted_score({"a": 5, "b": 5}, weights).value == D("100.00")
    assert weighted_score({"a": 0, "b": 0}, weights).value == D("0.00")
    # (5×2 + 0×1) / (5×3) = 66.666…
    result = weighted_score({"a": 5, "b": 0}, weights)
    assert result.value == D("66.67")
    assert result.complete


def test_missing_mark_counts_zero_and_flags_incomplete():
    result = weighted_score({"a": 5}, {"a": D(1), "b": D(1), "c": D(0)})
    assert result.value == D("50.00")
    assert not result.complete
    assert result.missing == ("b",)  # c weighs 0: not required


def test_all_weights_zero():
    assert weighted_score({"a": 3}, {"a": D(0)}).value == D("0.00")


@pytest.mark.parametrize("mark", [-1, 6, 1.5, True, "2"])
def test_bad_mark(mark):
    with pytest.raises(ScoringError):
        weighted_score({"a": mark}, {"a": D(1)})


@pytest.mark.parametrize("weight", [D(-1), D(11), D("NaN")])
def test_bad_weight(weight):
    with pytest.raises(ScoringError):
        weighted_score({"a": 1}, {"a": weight})


marks = st.integers(min_value=0, max_value=5)
weights = st.decimals(min_value=0, max_value=10, places=1, allow_nan=False, allow_infinity=False)


@given(st.dictionaries(st.sampled_from("abcdef"), st.tuples(marks, weights), min_size=1))
def test_score_is_within_scale_and_monotone(grid):
    mark_map = {k: m for k, (m, _) in grid.items()}
    weight_map = {k: w for k, (_, w) in grid.items()}
    score = weighted_score(mark_map, weight_map).value
    assert D(0) <= score <= D(100)
    # raising one mark never lowers the score
    for code, mark in mark_map.items():
        if mark < 5:
            higher = weighted_score({**mark_map, code: mark + 1}, weight_map).value
            assert higher >= score


def test_groups():
    assert DecisionGroup.A.funded
    assert DecisionGroup.A.receivable
    assert not DecisionGroup.B.funded
    assert DecisionGroup.B.receivable
    assert not DecisionGroup.C.receivable
    assert not DecisionGroup.D.receivable
    assert DecisionGroup("D").label == "Groupe D — projet non recevable"


def test_decision_errors():
    assert decision_errors("A", D("1000.00"), D("2000")) == []
    assert decision_errors("A", D("0"), D("2000")) == ["un projet du groupe A doit recevoir un montant supérieur à 0 €"]
    assert "dépasse le financement calculé" in decision_errors("A", D("3000"), D("2000"))[0]
    assert decision_errors("B", D("0"), D("2000")) == []
    assert "seul un projet du groupe A" in decision_errors("C", D("10"), D("2000"))[0]
    assert decision_errors("A", D("10.001"), None) == ["le montant accordé s'exprime en euros avec au plus 2 décimales"]
    assert decision_errors("A", D("-5"), None)[0] == "le montant accordé ne peut pas être négatif"


def test_allocation_within_envelope():
    check = check_allocation(D("1000"), D("400"), D("600"))
    assert check.allowed
    assert not check.exceeds
    assert check.overshoot == 0
    assert check.committed_after == D("1000")


def test_allocation_above_envelope_needs_reason():
    refused = check_allocation(D("1000"), D("400"), D("700"))
    assert not refused.allowed
    assert refused.exceeds
    assert refused.overshoot == D("100")
    assert "dépasserait l'enveloppe régionale" in refused.message
    assert "100,00" in refused.message
    assert not check_allocation(D("1000"), D("400"), D("700"), "   ").allowed
    forced = check_allocation(D("1000"), D("400"), D("700"), "Report de crédits 2023 notifié par la CNSA")
    assert forced.allowed
    assert forced.exceeds
    assert "dérogation motivée" in forced.message
    assert "Report de crédits" in forced.message


def test_ranking_by_score_then_tie_break():
    entries = [
        CommitteeEntry("B", D("50"), D("100"), sort_key="1"),
        CommitteeEntry("A", D("80"), D("300")),
        CommitteeEntry("C", None, D("50")),
        CommitteeEntry("D", D("50"), D("200"), sort_key="0"),
    ]
    ranked = rank_for_committee(entries, envelope=D("550"), committed_elsewhere=D("0"))
    assert [r.entry.reference for r in ranked] == ["A", "D", "B", "C"]
    assert [r.running_total for r in ranked] == [D(300), D(500), D(600), D(650)]
    assert [r.within_envelope for r in ranked] == [True, True, False, False]


def test_ranking_counts_decisions():
    entries = [
        CommitteeEntry("A", D("90"), D("300"), DecisionGroup.A, D("250")),
        CommitteeEntry("B", D("80"), D("300"), DecisionGroup.B, D("0")),
        CommitteeEntry("C", D("70"), D("100")),
    ]
    ranked = rank_for_committee(entries, envelope=D("1000"), committed_elsewhere=D("600"))
    assert [r.counted for r in ranked] == [D(250), D(0), D(100)]
    assert ranked[-1].running_total == D(950)
    summary = envelope_summary(entries, D("1000"), D("600"))
    assert summary.committed == D(850)
    assert summary.pending == D(100)
    assert summary.remaining == D(150)
    assert not summary.exceeded


money = st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False)
entry_st = st.builds(
    CommitteeEntry,
    reference=st.text(alphabet="ABCDEFGH0123456789", min_size=1, max_size=6),
    score=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
    requested=money,
    group=st.one_of(st.none(), st.sampled_from(list(DecisionGroup))),
    granted=st.one_of(st.none(), money),
)


@given(st.lists(entry_st, max_size=25), money, money)
def test_ranking_invariants(entries, envelope, elsewhere):
    ranked = rank_for_committee(entries, envelope, elsewhere)
    # a permutation of the input
    assert sorted(id(r.entry) for r in ranked) == sorted(id(e) for e in entries)
    assert [r.rank for r in ranked] == list(range(1, len(entries) + 1))
    # scored dossiers first, by decreasing score
    scores = [r.entry.score for r in ranked]
    scored = [s for s in scores if s is not None]
    assert scores[: len(scored)] == scored
    assert scored == sorted(scored, reverse=True)
    # running total: non-decreasing, starts from what is committed elsewhere, ends at the full sum
    previous = elsewhere
    for row in ranked:
        assert row.counted >= 0
        assert row.running_total == previous + row.counted
        assert row.within_envelope == (row.running_total <= envelope)
        previous = row.running_total
    # once the envelope is crossed, no later row is back within it
    flags = [r.within_envelope for r in ranked]
    assert flags == sorted(flags, reverse=True)


@given(money, st.lists(money, max_size=30))
def test_successive_allocations_never_exceed_without_override(envelope, amounts):
    committed = D(0)
    for amount in amounts:
        check = check_allocation(envelope, committed, amount)
        assert check.allowed == (committed + amount <= envelope)
        if check.allowed:
            committed = check.committed_after
        assert committed <= envelope


@given(money, money, money, st.text(min_size=1).filter(lambda s: s.strip()))
def test_override_always_allows_and_is_reported(envelope, elsewhere, amount, reason):
    check = check_allocation(envelope, elsewhere, amount, reason)
    assert check.allowed
    assert check.exceeds == (elsewhere + amount > envelope)
    if check.exceeds:
        assert reason.strip() in check.message


def test_split_tranches_last_takes_the_rest():
    from esmsnum.domain.selection import split_tranches

    assert split_tranches(D("100000.01"), [D(40), D(40), D(20)]) == [D("40000.00"), D("40000.00"), D("20000.01")]
    assert split_tranches(D("0.03"), [D(50), D(50)]) == [D("0.02"), D("0.01")]
    assert split_tranches(D("10"), []) == []
    with pytest.raises(ValueError, match="100 %"):
        split_tranches(D("10"), [D(50), D(40)])


@given(money, st.sampled_from([[D(40), D(40), D(20)], [D(50), D(50)], [D(100)], [D("33.3"), D("33.3"), D("33.4")]]))
def test_split_tranches_adds_up(total, percents):
    from esmsnum.domain.selection import split_tranches

    amounts = split_tranches(total, percents)
    assert sum(amounts) == total
    assert all(a >= 0 for a in amounts)
