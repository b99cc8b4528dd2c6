"""`esmsnum bench evaluate`: evaluate a national-scale batch of synthetic dossiers in one process.

Goal: ≥ 1,000 dossiers per second for 3,000 dossiers and 45,000 ESSMS in all (validation of the JSON contract
included). The command joins the ``bench`` group of :mod:`esmsnum_bench.cli` when that module exists, else it
brings its own ``bench`` group.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import click

from esmsnum.domain import formatting
from esmsnum.domain.finess import with_key

CAMPAIGN_MIX = [("generalisation-2024", 0.8), ("amorcage-2021-t2", 0.15), ("amorcage-2021-t1", 0.05)]
SUBMITTED = {
    "generalisation-2024": "2024-05-30T18:00:00+02:00",
    "amorcage-2021-t2": "2021-09-01T10:00:00+02:00",
    "amorcage-2021-t1": "2021-02-15T10:00:00+01:00",
}
REGIONS = ["01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]
PREFIX = {
    "01": "9A", "02": "9B", "03": "9C", "04": "9D", "06": "9F", "11": "75", "24": "45", "27": "21", "28": "76",
    "32": "59", "44": "67", "52": "44", "53": "35", "75": "33", "76": "31", "84": "69", "93": "13", "94": "2A",
}  # fmt: skip
CATEGORIES = ["500", "500", "500", "183", "182", "255", "437", "354", "446", "202", "460", "214", "197", "209"]


def _sizes(rng: random.Random, dossiers: int, essms: int) -> list[int]:
    """``dossiers`` project sizes adding up to ``essms``: mostly grappes of 8 to 20, a few large projects."""
    sizes = [max(1, min(120, int(rng.lognormvariate(2.5, 0.6)))) for _ in range(dossiers)]
    total = sum(sizes)
    while total != essms:
        index = rng.randrange(dossiers)
        if total < essms and sizes[index] < 150:
            sizes[index] += 1
            total += 1
        elif total > essms and sizes[index] > 1:
            sizes[index] -= 1
            total -= 1
    return sizes


def make_batch(dossiers: int = 3000, essms: int = 45000, seed: int = 2024) -> list[dict]:
    """Synthetic dossiers (contract v1), deterministic for a seed, with valid FINESS numbers."""
    rng = random.Random(seed)
    batch = []
    serial = 0
    campaigns = [name for name, _ in CAMPAIGN_MIX]
    weights = [weight for _, weight in CAMPAIGN_MIX]
    for size in _sizes(rng, dossiers, essms):
        campaign = rng.choices(campaigns, weights)[0]
        region = rng.choice(REGIONS)
        ogs = max(1, min(size, rng.choice([1, 2, 3, 3, 4, 6])))
        organisations = []
        for index in range(ogs):
            serial += 1
            organisations.append(
                {
                    "finess_ej": with_key(f"{PREFIX[region]}{serial:06d}"),
                    "name": f"Organisme {serial}",
                    "essms_managed": rng.choice([size // ogs + 1, 5, 12, 30]) if index else size,
                    "maturity_self_assessment": rng.random() < 0.9,
                }
            )
        situation = rng.choice(["acquisition", "acquisition", "upgrade"])
        mixed = campaign != "amorcage-2021-t1" and rng.random() < 0.1
        multi = rng.random() < 0.05
        establishments = []
        for index in range(size):
            serial += 1
            own = situation if not (mixed and index % 3 == 0) else "upgrade"
            where = rng.choice(REGIONS) if multi and index % 2 else region
            establishment = {
                "finess_et": with_key(f"{PREFIX[where]}{serial:06d}"),
                "finess_ej": organisations[index % ogs]["finess_ej"],
                "name": f"ESSMS {serial}",
                "region": where,
                "category": rng.choice(CATEGORIES),
                "situation": own,
                "hosting": "saas",
            }
            if own == "upgrade":
                establishment["current_solution"] = "Logiciel X"
            if establishment["category"] == "460":
                total = rng.randint(1000, 50000)
                establishment["saad_hours"] = {"total": total, "medico_social": rng.randint(0, total)}
            if rng.random() < 0.5:
                establishment["hardware_quote_eur"] = rng.choice([8000, 9500.5, 10000, 12000])
            establishments.append(establishment)
        batch.append(
            {
                "campaign": campaign,
                "region": region,
                "submitted_at": SUBMITTED[campaign],
                "project_type": "mixed" if mixed else situation,
                "solution": {
                    "name": "Logiciel X",
                    "segur_referenced": True,
                    "segur_corridor": "medico-social",
                    "in_national_market": True,
                },
                "porteur_finess_ej": organisations[0]["finess_ej"],
                "organisations": organisations,
                "establishments": establishments,
                "services_socles": ["mssante", "dmp"],
                "requests": {"equipment": rng.random() < 0.4, "amoa_pilot": rng.random() < 0.2},
                "amoa_quote_eur": rng.choice([None, 60000, 100000, 150000]),
            }
        )
    return batch


@click.command("evaluate")
@click.option("--dossiers", default=3000, show_default=True, type=click.IntRange(1), help="Nombre de dossiers.")
@click.option("--essms", default=45000, show_default=True, type=click.IntRange(1), help="Nombre total d'ESSMS.")
@click.option("--seed", default=2024, show_default=True, type=int, help="Graine du générateur (lot reproductible).")
def bench_evaluate(dossiers: int, essms: int, seed: int) -> None:
    """Évalue un lot national de dossiers synthétiques et affiche le débit (dossiers par seconde)."""
    from esmsnum.domain.campaigns import load_campaigns
    from esmsnum.domain.engine import evaluate, parse_dossier

    if essms < dossiers:
        raise click.BadParameter("il faut au moins un ESSMS par dossier", param_hint="--essms")
    load_campaigns()
    started = time.perf_counter()
    batch = make_batch(dossiers, essms, seed)
    generated = time.perf_counter() - started

    parse_time = evaluate_time = 0.0
    verdicts: Counter = Counter()
    total_funding = 0
    for data in batch:
        t0 = time.perf_counter()
        dossier = parse_dossier(data)
        t1 = time.perf_counter()
        result = evaluate(dossier)
        t2 = time.perf_counter()
        parse_time += t1 - t0
        evaluate_time += t2 - t1
        verdicts[result.verdict] += 1
        total_funding += result.funding.total_eur
    elapsed = parse_time + evaluate_time
    count = len(batch)
    click.echo(f"Lot : {count} dossiers, {essms} ESSMS (graine {seed}), généré en {generated:.2f} s")
    click.echo(f"Validation du contrat : {parse_time:.2f} s ; évaluation : {evaluate_time:.2f} s")
    click.echo("Avis : " + ", ".join(f"{name} {verdicts[name]}" for name in ("eligible", "needs_review", "ineligible")))
    click.echo(f"Financement total évalué : {formatting.money(total_funding, cents='always', typographic=False)}")
    per_second = formatting.number(round(count / elapsed), typographic=False)
    essms_per_second = formatting.number(round(essms / elapsed), typographic=False)
    click.echo(f"Débit : {per_second} dossiers/s ({essms_per_second} ESSMS/s) en {elapsed:.2f} s")


from esmsnum_bench.cli import bench as _bench_group  # noqa: E402 - the group is defined before its commands

_bench_group.add_command(bench_evaluate)
COMMANDS: list = []  # registered through the `bench` group
