"""Every rule of ../shared/spec/campaign-rules.md, on both sides of its threshold."""

from decimal import Decimal

import pytest

from esmsnum.domain.engine import DossierInputError, evaluate, parse_dossier
from esmsnum.domain.money import split_by_percent

from .builders import dossier, essms, finess, line_amounts, og, statuses

D = Decimal


def run(data: dict, **kwargs):
    return evaluate(parse_dossier(data), **kwargs)


# ------------------------------------------------------------------------------------ size: 15 / 8 (and 3 OG)


@pytest.mark.parametrize(
    ("campaign", "region", "n", "status"),
    [
        ("generalisation-2024", "04", 8, "pass"),  # 002 §4.2 D: 8 overseas
        ("generalisation-2024", "04", 7, "warn"),
        ("generalisation-2024", "11", 15, "pass"),  # decision: 15 elsewhere
        ("generalisation-2024", "11", 14, "warn"),
        ("generalisation-2024", "94", 8, "pass"),  # Corse
        ("generalisation-2024", "94", 7, "warn"),
        ("amorcage-2021-t2", "32", 15, "pass"),  # 003: ideally 15
        ("amorcage-2021-t2", "32", 14, "warn"),
        ("amorcage-2021-t2", "02", 8, "pass"),
        ("amorcage-2021-t2", "02", 7, "warn"),
        ("amorcage-2021-t1", "93", 15, "pass"),  # 000 §2: at least 15
        ("amorcage-2021-t1", "93", 14, "fail"),
        ("amorcage-2021-t1", "94", 8, "pass"),  # 001 footnote
        ("amorcage-2021-t1", "94", 7, "fail"),
    ],
)
def test_minimum_essms(campaign, region, n, status):
    result = run(dossier(campaign, region, n=n))
    assert statuses(result, "min_essms") == [status]
    assert result.verdict == {"pass": "eligible", "warn": "needs_review", "fail": "ineligible"}[status]


def test_joining_a_funded_grappe_is_receivable_subject_to_the_ars():
    data = dossier(n=3, joins_funded_grappe=True)
    result = run(data)
    assert statuses(result, "min_essms") == ["warn"]
    assert "regroupement déjà financé" in next(f.message for f in result.findings if f.code == "min_essms")
    assert result.verdict == "needs_review"
    assert result.funding.total_eur == 3 * D(21000)


@pytest.mark.parametrize(("ogs", "status"), [(3, "pass"), (2, "fail")])
def test_t1_needs_three_og(ogs, status):
    result = run(dossier("amorcage-2021-t1", "93", n=15, ogs=ogs))
    assert statuses(result, "min_og") == [status]


def test_count_is_unique_finess_et():
    data = dossier(n=9)
    data["establishments"].append(dict(data["establishments"][0]))
    result = run(data)
    assert result.essms_count == 9
    assert statuses(result, "unique_finess") == ["pass"]
    assert result.funding.total_eur == 9 * D(21000)
    data["establishments"][-1]["situation"] = "upgrade"
    data["establishments"][-1]["current_solution"] = "Logiciel X"
    assert statuses(run(data), "unique_finess") == ["warn"]


# ------------------------------------------------------------------------------------ 49 / 50: guichet and tiers


def _two_regions(n_first: int, n_second: int, campaign="generalisation-2024") -> dict:
    data = dossier(campaign, "11", n=n_first, ogs=1, managed=200)
    porteur = data["organisations"][0]["finess_ej"]
    data["establishments"] += [essms(5000 + i, porteur, "84") for i in range(n_second)]
    data["submitted_at"] = "2024-05-30T18:00:00+02:00"
    return data


@pytest.mark.parametrize(
    ("data", "guichet"),
    [
        (dossier(n=49, ogs=1, managed=60), "regional"),
        (dossier(n=50, ogs=1, managed=60), "regional"),  # ≥ 50 in one region
        (_two_regions(25, 24), "regional"),  # < 50 in two regions
        (_two_regions(25, 25), "national"),  # ≥ 50 in two regions
    ],
)
def test_2024_guichet(data, guichet):
    result = run(data)
    assert result.guichet == guichet
    assert statuses(result, "guichet") == ["pass"]


@pytest.mark.parametrize(("n", "guichet", "status"), [(49, "regional", "pass"), (50, "national", "warn")])
def test_t2_fifty_goes_to_the_national_call(n, guichet, status):
    result = run(dossier("amorcage-2021-t2", "32", n=n, ogs=1, managed=60))
    assert result.guichet == guichet
    assert statuses(result, "guichet") == [status]
    assert line_amounts(result)["acquisition"] == 49 * D(25000)  # "dans la limite de 49 ESMS par projet"


@pytest.mark.parametrize(
    ("n", "usage", "software"),
    [
        (49, 49 * 7000, 49 * 14000),
        (50, 49 * 7000 + 2000, 49 * 14000 + 3000),
        (51, 49 * 7000 + 2 * 2000, 49 * 14000 + 2 * 3000),
    ],
)
def test_2024_acquisition_tiers(n, usage, software):
    amounts = line_amounts(run(dossier(n=n, ogs=1, managed=60)))
    assert amounts == {"usage": D(usage), "software": D(software)}


@pytest.mark.parametrize(("n", "usage"), [(49, 49 * 5000), (50, 49 * 5000 + 2000)])
def test_2024_upgrade_tiers_and_no_software_line(n, usage):
    amounts = line_amounts(run(dossier(n=n, ogs=1, managed=60, situation="upgrade")))
    assert amounts == {"usage": D(usage)}


def test_tier_basis_is_written_in_words():
    result = run(dossier(n=52, ogs=1, managed=60))
    usage = next(line for line in result.funding.lines if line.code == "usage")
    assert usage.basis == "49 ESSMS × 7 000 € (jusqu'au 49e ESSMS) + 3 ESSMS × 2 000 € (à partir du 50e ESSMS)"


# --------------------------------------------------------------------------------------------- windows → verdict


@pytest.mark.parametrize(
    ("submitted_at", "status"),
    [
        ("2024-09-15T23:59:00+04:00", "pass"),
        ("2024-09-16T00:00:00+04:00", "fail"),
        ("2024-09-15T19:59:00Z", "pass"),
        ("2024-09-15T20:00:00Z", "fail"),
    ],
)
def test_2024_regional_deadline_in_reunion_time(submitted_at, status):
    result = run(dossier(n=10, submitted_at=submitted_at))
    assert statuses(result, "window") == [status]
    if status == "fail":
        assert result.verdict == "ineligible"
        assert result.funding.total_eur == 0
        assert result.tranches == []
        message = next(f.message for f in result.findings if f.code == "window")
        assert "15/09/2024 à minuit" in message
        assert "non recevable" in message


@pytest.mark.parametrize(
    ("submitted_at", "status"),
    [("2024-06-01T23:59:00+02:00", "pass"), ("2024-06-02T00:00:00+02:00", "fail")],
)
def test_2024_multiregional_deadline(submitted_at, status):
    data = _two_regions(10, 5)
    data["submitted_at"] = submitted_at
    assert statuses(run(data), "window") == [status]


def test_before_the_opening_and_the_advice_to_file_before_30_august():
    early = run(dossier(n=10, submitted_at="2024-01-14T23:59:00+04:00"))
    assert statuses(early, "window") == ["fail"]
    assert "avant l'ouverture" in next(f.message for f in early.findings if f.code == "window")
    late = run(dossier(n=10, submitted_at="2024-09-01T10:00:00+04:00"))
    assert statuses(late, "window") == ["pass"]
    assert "avant le 30/08/2024" in next(f.message for f in late.findings if f.code == "window")


def test_simulation_uses_now():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    data = dossier(n=10)
    del data["submitted_at"]
    inside = run(data, now=datetime(2024, 3, 1, 12, tzinfo=ZoneInfo("Indian/Reunion")))
    assert inside.simulation
    assert statuses(inside, "window") == ["pass"]
    assert "Simulation" in next(f.message for f in inside.findings if f.code == "window")
    late = run(data, now=datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
    assert statuses(late, "window") == ["fail"]


def test_t1_has_no_deadline_in_the_texts():
    result = run(dossier("amorcage-2021-t1", "93", n=15))
    assert statuses(result, "window") == []
    assert result.verdict == "eligible"


# ------------------------------------------------------------------------------------------------- quote caps


@pytest.mark.parametrize(
    ("quote", "amount"),
    [(D("9999.99"), D("9999.99")), (D(10000), D(10000)), (D("10000.01"), D(10000)), (D(0), D(0))],
)
def test_hardware_is_the_quote_up_to_10k(quote, amount):
    data = dossier(n=8, requests={"equipment": True})
    for establishment in data["establishments"]:
        establishment["hardware_quote_eur"] = str(quote)
    assert line_amounts(run(data))["hardware"] == 8 * amount


def test_hardware_without_quote_is_zero_with_a_warning():
    data = dossier(n=8, requests={"equipment": True})
    for establishment in data["establishments"][1:]:
        establishment["hardware_quote_eur"] = 5000
    result = run(data)
    assert line_amounts(result)["hardware"] == 7 * D(5000)
    assert statuses(result, "funding_hardware") == ["warn"]


@pytest.mark.parametrize(("managed", "granted"), [(14, True), (15, False)])
def test_small_og_is_fewer_than_15_essms(managed, granted):
    data = dossier(n=8, ogs=1, managed=managed, requests={"equipment": True, "amoa_pilot": True}, amoa_quote_eur=50000)
    for establishment in data["establishments"]:
        establishment["hardware_quote_eur"] = 10000
    result = run(data)
    amounts = line_amounts(result)
    if granted:
        assert amounts["hardware"] == D(80000)
        assert amounts["amoa_pilot"] == D(50000)
        assert result.verdict == "eligible"
    else:
        assert amounts["hardware"] == 0
        assert amounts["amoa_pilot"] == 0
        assert statuses(result, "funding_hardware") == ["warn"]
        assert statuses(result, "funding_amoa_pilot") == ["warn"]
        assert result.verdict == "needs_review"


def test_hardware_only_for_essms_of_small_og():
    data = dossier(n=8, ogs=2, requests={"equipment": True})
    data["organisations"][1]["essms_managed"] = 40
    for establishment in data["establishments"]:
        establishment["hardware_quote_eur"] = 10000
    result = run(data)
    assert line_amounts(result)["hardware"] == 4 * D(10000)
    assert "non éligibles" in next(line.basis for line in result.funding.lines if line.code == "hardware")


@pytest.mark.parametrize(
    ("quote", "amount"), [(D("99999.99"), D("99999.99")), (D(100000), D(100000)), (D("100000.01"), D(100000))]
)
def test_amoa_is_the_quote_up_to_100k(quote, amount):
    data = dossier(n=8, requests={"amoa_pilot": True}, amoa_quote_eur=str(quote))
    assert line_amounts(run(data))["amoa_pilot"] == amount


def test_amoa_without_quote_is_zero_with_a_warning():
    result = run(dossier(n=8, requests={"amoa_pilot": True}))
    assert line_amounts(result)["amoa_pilot"] == 0
    assert statuses(result, "funding_amoa_pilot") == ["warn"]


def test_amoa_market_is_not_offered_in_2024():
    result = run(dossier(n=8, requests={"amoa_market": True}))
    assert statuses(result, "request_amoa_market") == ["warn"]
    assert "amoa_market" not in line_amounts(result)


def test_t2_small_og_flat_amounts():
    data = dossier(
        "amorcage-2021-t2", "32", n=15, ogs=3, requests={"equipment": True, "amoa_market": True, "amoa_pilot": True}
    )
    amounts = line_amounts(run(data))
    assert amounts == {
        "acquisition": 15 * D(25000),
        "equipment": 15 * D(20000),
        "amoa_market": D(15000),
        "amoa_pilot": D(100000),
    }


# ----------------------------------------------------------------------------------------------- SAAD prorata


def _with_saad(total, medico_social, n=8):
    data = dossier(n=n)
    saad = data["establishments"][0]
    saad["category"] = "460"
    if total is not None:
        saad["saad_hours"] = {"total": total, "medico_social": medico_social}
    return data


@pytest.mark.parametrize(
    ("total", "ms", "usage", "software"),
    [
        (10000, 6000, D(4200), D(8400)),
        (10000, 10000, D(7000), D(14000)),
        (10000, 0, D(0), D(0)),
        (3, 2, D("4666.67"), D("9333.33")),  # 7 000 × 2/3 = 4 666.666… → 4 666.67
    ],
)
def test_saad_amounts_are_prorated_to_medico_social_hours(total, ms, usage, software):
    result = run(_with_saad(total, ms))
    amounts = line_amounts(result)
    assert amounts["usage"] == 7 * D(7000) + usage
    assert amounts["software"] == 7 * D(14000) + software
    assert statuses(result, "saad_hours") == ["pass"]
    assert sum(t.amount_eur for t in result.tranches) == result.funding.total_eur


def test_saad_without_hours_is_not_receivable():
    result = run(_with_saad(None, None))
    assert statuses(result, "saad_hours") == ["fail"]
    assert result.verdict == "ineligible"


def test_saad_hours_on_a_non_saad_are_ignored_with_a_warning():
    data = dossier(n=8)
    data["establishments"][0]["saad_hours"] = {"total": 100, "medico_social": 50}
    result = run(data)
    assert statuses(result, "saad_hours") == ["warn"]
    assert line_amounts(result)["usage"] == 8 * D(7000)


def test_saad_prorata_basis_in_words():
    result = run(_with_saad(10000, 6000))
    basis = next(line.basis for line in result.funding.lines if line.code == "usage")
    assert "7 ESSMS × 7 000 €" in basis
    assert "7 000 € × 60 % d'heures médico-sociales = 4 200 €" in basis


# ----------------------------------------------------------------------------------------- tranche rounding


def test_tranches_last_takes_the_rounding_rest():
    assert split_by_percent(D("100000.01"), [D(50), D(50)]) == [D("50000.01"), D("50000.00")]
    assert split_by_percent(D("100000.03"), [D(40), D(40), D(20)]) == [D("40000.01"), D("40000.01"), D("20000.01")]
    assert split_by_percent(D("0.05"), [D(40), D(40), D(20)]) == [D("0.02"), D("0.02"), D("0.01")]


def test_tranches_of_a_prorated_total_add_up():
    result = run(_with_saad(3, 1, n=9))  # 7 000/3 and 14 000/3: cents
    total = result.funding.total_eur
    assert total == 8 * D(21000) + D("2333.33") + D("4666.67")
    assert [t.amount_eur for t in result.tranches] == [total / 2, total / 2]


def test_t2_tranches_40_40_20():
    result = run(dossier("amorcage-2021-t2", "32", n=15))
    assert [(t.percent, t.amount_eur) for t in result.tranches] == [(40, D(150000)), (40, D(150000)), (20, D(75000))]
    assert [t.usage_condition for t in result.tranches] == [False, False, True]


# ------------------------------------------------------------------------------------------- multi-region split


def test_multi_region_split_by_essms_porteur_region_takes_the_rest():
    data = _two_regions(2, 1)
    data["submitted_at"] = "2024-05-01T10:00:00+02:00"
    data["establishments"] += [essms(7000, data["porteur_finess_ej"], "93")]
    result = run(data)  # 4 ESSMS × 21 000 € = 84 000 €, regions 11 (porteur): 2, 84: 1, 93: 1
    shares = {share.region: share.amount_eur for share in result.by_region}
    assert shares == {"11": D(42000), "84": D(21000), "93": D(21000)}
    assert result.multi_region
    data["establishments"] += [essms(7001, data["porteur_finess_ej"], "93")]  # 5 × 21 000 = 105 000
    data["establishments"][0]["category"] = "460"
    data["establishments"][0]["saad_hours"] = {"total": 3, "medico_social": 1}
    result = run(data)
    total = result.funding.total_eur
    shares = {share.region: share.amount_eur for share in result.by_region}
    assert shares["84"] == (total / 5).quantize(D("0.01"))
    assert shares["93"] == (total * 2 / 5).quantize(D("0.01"))
    assert sum(shares.values()) == total
    assert [s.porteur_region for s in result.by_region] == [True, False, False]


# ---------------------------------------------------------------------------------------- project type / mixing


@pytest.mark.parametrize(
    ("campaign", "region", "status", "verdict"),
    [
        ("amorcage-2021-t1", "93", "fail", "ineligible"),  # 000 §2
        ("amorcage-2021-t2", "32", "pass", "eligible"),  # 003 « Enjeu de regroupement »
        ("generalisation-2024", "04", "warn", "needs_review"),  # 002 §4
    ],
)
def test_mixed_projects(campaign, region, status, verdict):
    data = dossier(campaign, region, n=16, project_type="mixed")
    for establishment in data["establishments"][:6]:
        establishment["situation"] = "upgrade"
        establishment["current_solution"] = "Logiciel X"
    if campaign == "amorcage-2021-t1":
        data["project_type"] = "acquisition"
    result = run(data)
    assert statuses(result, "mixed") == [status]
    assert result.verdict == verdict
    if verdict != "ineligible":
        amounts = line_amounts(result)
        if campaign == "amorcage-2021-t2":
            assert amounts == {"acquisition": 10 * D(25000), "upgrade": 6 * D(10000)}
        else:
            assert amounts == {"usage": 10 * D(7000) + 6 * D(5000), "software": 10 * D(14000)}


def test_declared_type_must_match_the_situations():
    data = dossier(n=10)
    data["establishments"][0]["situation"] = "upgrade"
    data["establishments"][0]["current_solution"] = "Logiciel X"
    result = run(data)
    assert statuses(result, "project_type") == ["warn"]


def test_project_type_not_offered_by_the_campaign():
    result = run(dossier(n=50, ogs=1, managed=60, project_type="deployment"))
    assert statuses(result, "project_type") == ["fail"]


@pytest.mark.parametrize(("n", "status", "verdict"), [(49, "fail", "ineligible"), (50, "pass", "needs_review")])
def test_t2_deployment_is_for_50_essms_or_more(n, status, verdict):
    result = run(dossier("amorcage-2021-t2", "32", n=n, ogs=1, managed=60, project_type="deployment"))
    assert statuses(result, "deployment_size") == [status]
    assert result.verdict == verdict
    if status == "pass":
        assert line_amounts(result) == {"deployment": n * D(5000)}
        assert statuses(result, "funding_deployment") == ["warn"]  # degressivity set by the national call


def test_t1_equipment_only_with_an_acquisition():
    data = dossier("amorcage-2021-t1", "93", n=15, requests={"equipment": True})
    assert line_amounts(run(data)) == {"acquisition": 15 * D(25000), "equipment": 15 * D(20000)}
    data = dossier("amorcage-2021-t1", "93", n=15, situation="upgrade", requests={"equipment": True})
    result = run(data)
    assert line_amounts(result) == {"upgrade": 15 * D(10000), "equipment": D(0)}
    assert statuses(result, "funding_equipment") == ["warn"]


def test_t1_amoa_is_not_a_line():
    result = run(dossier("amorcage-2021-t1", "93", n=15, requests={"amoa_pilot": True}))
    assert statuses(result, "request_amoa_pilot") == ["warn"]


# ---------------------------------------------------------------------------------------------------- publics


def test_t1_public_pa_ph_with_assurance_maladie():
    data = dossier("amorcage-2021-t1", "93", n=15)
    data["establishments"][0]["category"] = "197"  # CSAPA: PDS
    data["establishments"][1]["category"] = "202"  # résidence autonomie: département only
    result = run(data)
    assert statuses(result, "public") == ["warn", "warn"]
    assert result.verdict == "needs_review"
    assert result.funding.total_eur == 15 * D(25000)  # appreciated "in reasonable proportions": still counted


def test_t2_and_2024_accept_every_l312_1_public():
    data = dossier("amorcage-2021-t2", "32", n=15)
    data["establishments"][0]["category"] = "202"
    data["establishments"][1]["category"] = "197"
    assert statuses(run(data), "public") == ["pass"]
    data["establishments"][2]["category"] = "101"  # a hospital: not art. L312-1
    assert statuses(run(data), "public") == ["warn"]


def test_unknown_category_without_public_needs_review():
    data = dossier(n=8)
    data["establishments"][0]["category"] = "999"
    assert statuses(run(data), "public") == ["warn"]
    data["establishments"][0]["public"] = "PH"
    assert statuses(run(data), "public") == ["pass"]


# ------------------------------------------------------------------------------------------------ solution rules


def test_same_solution_for_upgrades():
    data = dossier(n=10, situation="upgrade")
    data["establishments"][0]["current_solution"] = "Autre logiciel"
    result = run(data)
    assert statuses(result, "same_solution") == ["fail"]
    data["establishments"][0]["current_solution"] = "  logiciel   x "
    assert statuses(run(data), "same_solution") == ["pass"]
    data["establishments"][0]["current_solution"] = None
    assert statuses(run(data), "same_solution") == ["warn"]


def test_t2_same_hosting():
    data = dossier("amorcage-2021-t2", "32", n=15)
    assert statuses(run(data), "same_hosting") == ["pass"]
    data["establishments"][0]["hosting"] = "on_premise"
    assert statuses(run(data), "same_hosting") == ["fail"]
    data["establishments"][0]["hosting"] = None
    assert statuses(run(data), "same_hosting") == ["warn"]


@pytest.mark.parametrize(
    ("market", "derogation", "status"), [(True, False, "pass"), (False, True, "warn"), (False, False, "fail")]
)
def test_t2_national_market(market, derogation, status):
    data = dossier("amorcage-2021-t2", "32", n=15)
    data["solution"].update(in_national_market=market, market_derogation=derogation)
    assert statuses(run(data), "national_market") == [status]


@pytest.mark.parametrize(
    ("solution", "ght", "status"),
    [
        ({"segur_referenced": True, "segur_corridor": "medico-social"}, False, "pass"),
        ({"segur_referenced": True, "segur_corridor": "hopital"}, True, "warn"),
        ({"segur_referenced": True, "segur_corridor": "hopital"}, False, "fail"),
        ({"segur_referenced": True}, False, "warn"),
        ({"segur_referenced": False, "segur_referencing_in_progress": True}, False, "warn"),
        ({"segur_referenced": False}, False, "fail"),
    ],
)
def test_2024_segur_referencing(solution, ght, status):
    data = dossier(n=8)
    data["solution"] = {"name": "Logiciel X", **solution}
    data["organisations"][0]["is_ght"] = ght
    assert statuses(run(data), "segur") == [status]


def test_ahi_pjm_only_projects_need_no_segur_software():
    data = dossier(n=8, category="214")  # CHRS: AHI
    data["solution"] = {"name": "Logiciel X", "segur_referenced": False}
    data["establishments"][0].update(category="340", public="PJM")  # protection juridique des majeurs
    assert statuses(run(data), "segur") == ["pass"]
    data["establishments"][1]["category"] = "500"
    assert statuses(run(data), "segur") == ["fail"]


@pytest.mark.parametrize(
    ("services", "status"),
    [(["mssante", "dmp"], "pass"), (["mssante", "eprescription"], "pass"), (["dmp"], "fail"), ([], "fail")],
)
def test_t1_two_services_socles(services, status):
    assert statuses(run(dossier("amorcage-2021-t1", "93", n=15, services_socles=services)), "services_socles") == [
        status
    ]


def test_t2_non_medicalised_may_use_eparcours_and_mssante():
    data = dossier("amorcage-2021-t2", "32", n=15, category="446", services_socles=["eparcours", "mssante"])
    assert statuses(run(data), "services_socles") == ["pass"]
    data["establishments"][0]["category"] = "500"  # a medicalised EHPAD
    assert statuses(run(data), "services_socles") == ["fail"]


# ---------------------------------------------------------------------------------------- 2024 conditions A, B, E


def test_non_redundancy_same_software_other_software_segur_prestation_eu_funds():
    data = dossier(n=8)
    assert statuses(run(data), "non_redundancy") == ["pass"]
    first = data["establishments"][0]
    first["prior_funding"] = [{"campaign": "amorcage-2021-t2", "solution": "Logiciel X", "operation": "acquisition"}]
    result = run(data)
    assert statuses(result, "non_redundancy") == ["fail"]
    message = next(f.message for f in result.findings if f.code == "non_redundancy")
    assert first["finess_et"] in message
    assert "même logiciel" in message
    first["prior_funding"][0]["solution"] = "Autre DUI"
    assert "deux logiciels" in next(f.message for f in run(data).findings if f.code == "non_redundancy")
    first["prior_funding"][0]["operation"] = "other"
    assert statuses(run(data), "non_redundancy") == ["pass"]
    first["segur_prestation_ordered"] = True
    assert statuses(run(data), "non_redundancy") == ["fail"]
    first["segur_prestation_ordered"] = False
    data["other_european_funding"] = True
    assert statuses(run(data), "non_redundancy") == ["fail"]


@pytest.mark.parametrize(
    ("attached", "consent", "status"), [(False, False, "pass"), (True, True, "pass"), (True, False, "fail")]
)
def test_national_entity_needs_written_consent(attached, consent, status):
    data = dossier(n=8)
    data["organisations"][1].update(national_entity=attached, national_entity_consent=consent)
    assert statuses(run(data), "national_entity") == [status]


def test_maturity_self_assessment_is_invited():
    data = dossier(n=8)
    data["organisations"][2]["maturity_self_assessment"] = False
    result = run(data)
    assert statuses(result, "maturity") == ["warn"]
    assert result.verdict == "needs_review"


# ------------------------------------------------------------------------------------------------------ envelope


def test_t1_paca_envelope():
    assert statuses(run(dossier("amorcage-2021-t1", "93", n=15)), "envelope") == ["pass"]
    big = dossier("amorcage-2021-t1", "93", n=40, ogs=3, requests={"equipment": True})  # 1 800 000 €
    assert statuses(run(big), "envelope") == ["warn"]
    assert statuses(run(dossier("amorcage-2021-t1", "84", n=15)), "envelope") == []


def test_every_finding_has_a_french_message_and_a_reference():
    data = dossier(n=8, requests={"equipment": True, "amoa_pilot": True})
    for result in (run(data), run(dossier("amorcage-2021-t2", "32", n=12)), run(dossier("amorcage-2021-t1", "93"))):
        for finding in result.findings:
            assert finding.message
            assert finding.reference.split(" ")[0].endswith(".txt")


def test_other_organisation_numbers_are_checked():
    data = dossier(n=8)
    data["organisations"].append(og(7, managed=1))
    data["establishments"].append(essms(99, finess("97", 999999)))
    with pytest.raises(DossierInputError) as error:
        run(data)
    assert error.value.errors[0][0] == "establishments[8].finess_ej"
    assert "ne figure pas" in error.value.errors[0][1]
