"""`esmsnum bench usage`: the usage computation on a national extract, against a bare DuckDB query.

Generates (or reuses) a synthetic national extract, then times, each in its own child process so that the peak
memory (RSS high-water mark) is the computation's own: the product's ``usage compute`` code path (checks of every
row included), a hand-written DuckDB query doing the same work (the definitions and the same checks), and a
hand-written DuckDB query of the definitions alone, without any check. Each is run ``--repeat`` times, in turn, and
its median time is kept (the machine may be shared). Prints the times, the ratios and the peak memory.
Goals (each printed as met or not): product / bare query ≤ 1.0, against the query doing the same work and against
the query without checks (the gap to the latter is the price of the checks that the spec requires), and the
product's peak memory ≤ 3 GB.

The command joins the ``bench`` group of :mod:`esmsnum_bench.cli` (or brings its own while it is absent).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import click

GOALS = {"ratio": 1.0, "memory_mb": 3 * 1024}
RUNS = (  # (key in the figures, child function, label)
    ("product", "run_product", "Produit (usage compute)"),
    ("bare_checked", "run_bare_checked", "Requête nue, mêmes contrôles"),
    ("bare_query", "run_bare", "Requête nue, sans contrôle"),
)

_CHILD = """
import json, sys
from esmsnum_bench import usage_runs as bench
print("@@BENCH@@" + json.dumps(getattr(bench, sys.argv[1])(*sys.argv[2:])))
"""


def _child(function: str, *args: str) -> dict:
    from esmsnum_bench.cli import run_child

    return run_child(_CHILD, [function, *args], label=function)


def _extract(workdir: Path, spec) -> tuple[Path, float | None]:
    """The extract for ``spec`` under ``workdir``: reused when already generated with the same parameters."""
    from esmsnum.domain.indicators.synth import generate

    name = (
        f"usage-{spec.establishments}-{spec.dossiers}-{spec.events}-s{spec.seed}-{spec.months}m-"
        f"{spec.until.isoformat()}-{spec.file_format}"
    )
    target = workdir / name
    marker = target / "GENERATED"
    if marker.is_file():
        return target, None
    if target.exists():
        shutil.rmtree(target)
    started = time.perf_counter()
    (workdir / "duckdb-tmp").mkdir(exist_ok=True)
    generate(spec, target, temp_directory=workdir / "duckdb-tmp")
    marker.write_text(name + "\n", encoding="utf-8")
    return target, time.perf_counter() - started


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 1024 / 1024


@click.command("usage")
@click.option("--establishments", type=click.IntRange(1, 999_999), default=40_000, show_default=True)
@click.option("--dossiers", type=click.IntRange(1), default=4_000_000, show_default=True)
@click.option("--events", type=click.IntRange(0), default=100_000_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--months", type=click.IntRange(1, 120), default=12, show_default=True, help="Mois d'activité couverts.")
@click.option("--format", "file_format", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
@click.option("--at", "at", default="2025-01-01", show_default=True, help="Date de mesure.")
@click.option("--memory-limit", default="2GB", show_default=True, help="Mémoire maximale de DuckDB (les deux calculs).")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Répertoire de travail (par défaut : un répertoire temporaire, supprimé à la fin).",
)
@click.option("--keep", is_flag=True, help="Garde l'extraction générée (réutilisée au prochain lancement).")
@click.option(
    "--repeat",
    type=click.IntRange(1, 20),
    default=3,
    show_default=True,
    help="Nombre de mesures de chaque calcul (la médiane est retenue).",
)
@click.option("--json", "as_json", is_flag=True, help="Affiche les mesures en JSON.")
def bench_usage(
    establishments: int,
    dossiers: int,
    events: int,
    seed: int,
    months: int,
    file_format: str,
    at: str,
    memory_limit: str,
    workdir: Path | None,
    keep: bool,
    repeat: int,
    as_json: bool,
) -> None:
    """Calcule les indicateurs d'usage d'une extraction nationale et compare à une requête DuckDB nue."""
    import datetime as dt

    from esmsnum.domain.indicators.synth import SynthSpec

    try:
        dt.date.fromisoformat(at)
    except ValueError:
        raise click.BadParameter(f"date invalide « {at} »", param_hint="--at") from None
    spec = SynthSpec(establishments, dossiers, events, seed, dt.date(2024, 12, 31), file_format, months)
    try:
        spec.check()
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None

    own_workdir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="esmsnum-bench-usage-")) if own_workdir else workdir
    workdir.mkdir(parents=True, exist_ok=True)
    extract = None
    try:
        if not as_json:
            click.echo(f"Extraction : {establishments} ESSMS, {dossiers} dossiers, {events} événements…", err=True)
        extract, generated = _extract(workdir, spec)
        temp_dir = str(workdir / "duckdb-tmp")
        runs: dict[str, list[dict]] = {key: [] for key, _, _ in RUNS}
        for turn in range(1, repeat + 1):
            for key, function, label in RUNS:
                if not as_json:
                    click.echo(f"Mesure {turn}/{repeat} : {label}…", err=True)
                runs[key].append(_child(function, str(extract), at, memory_limit, temp_dir))
        size = _size_mb(extract)
    finally:
        if not keep:
            if own_workdir:
                shutil.rmtree(workdir, ignore_errors=True)
            elif extract is not None:
                shutil.rmtree(extract, ignore_errors=True)
                shutil.rmtree(workdir / "duckdb-tmp", ignore_errors=True)

    measured = {key: _median_run(found) for key, found in runs.items()}
    product, checked, bare = measured["product"], measured["bare_checked"], measured["bare_query"]
    ratio, cpu_ratio = _ratio(product, checked, "seconds"), _ratio(product, checked, "cpu_seconds")
    ratio_unchecked = _ratio(product, bare, "seconds")
    cpu_ratio_unchecked = _ratio(product, bare, "cpu_seconds")
    peak = max(run["peak_mb"] for run in runs["product"])  # the memory goal is the product's, over all its runs
    digests = {run["digest"] for found in runs.values() for run in found}
    same = len(digests) == 1
    figures = {
        "extract": {
            "establishments": establishments,
            "dossiers": dossiers,
            "events": events,
            "months": months,
            "format": file_format,
            "size_mb": round(size, 1),
            "generation_seconds": None if generated is None else round(generated, 1),
        },
        "measured_at": at,
        "repeat": repeat,
        **{
            key: {k: round(v, 2) if isinstance(v, float) else v for k, v in run.items()}
            for key, run in measured.items()
        },
        "all_seconds": {key: [round(run["seconds"], 2) for run in found] for key, found in runs.items()},
        "ratio": round(ratio, 2),
        "cpu_ratio": round(cpu_ratio, 2),
        "ratio_unchecked": round(ratio_unchecked, 2),
        "cpu_ratio_unchecked": round(cpu_ratio_unchecked, 2),
        "peak_memory_mb": round(peak),
        "same_results": same,
        "goals": GOALS,
    }
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        generation = "réutilisée" if generated is None else f"générée en {_fr(generated)} s"
        click.echo(f"Extraction {file_format} de {_thousands(size)} Mo ({generation}), mesure au {at}")
        for key, _, label in RUNS:
            run = measured[key]
            all_seconds = " / ".join(_fr(seconds) for seconds in figures["all_seconds"][key])
            click.echo(
                f"{label:30} : {_fr(run['seconds'])} s  (CPU {_fr(run['cpu_seconds'])} s)  "
                f"mémoire max {_thousands(run['peak_mb'])} Mo  [mesures : {all_seconds} s]"
            )
        click.echo(
            f"Rapport produit / requête nue faisant les mêmes contrôles : {_fr(ratio)} (temps CPU : {_fr(cpu_ratio)})"
        )
        click.echo(
            f"Rapport produit / requête nue sans contrôle : {_fr(ratio_unchecked)} "
            f"(temps CPU : {_fr(cpu_ratio_unchecked)}) — le prix des contrôles de chaque ligne"
        )
        click.echo(
            f"ESSMS : {product['essms']}, DUI actifs : {_thousands(product['national_active'])}"
            + (" — résultats identiques" if same else " — RÉSULTATS DIFFÉRENTS")
        )
        goal = _fr(GOALS["ratio"])
        for against, value in (("faisant les mêmes contrôles", ratio), ("sans contrôle", ratio_unchecked)):
            click.echo(
                f"Objectif rapport ≤ {goal} face à la requête {against} : " + _met(value <= GOALS["ratio"], _fr(value))
            )
        click.echo(
            f"Objectif mémoire du produit ≤ {GOALS['memory_mb'] / 1024:.0f} Go : "
            + _met(peak <= GOALS["memory_mb"], f"{_thousands(peak)} Mo")
        )
    if not same:
        raise click.ClickException("les calculs ne donnent pas les mêmes effectifs")


def _met(met: bool, figure: str) -> str:
    return f"{'atteint' if met else 'NON ATTEINT'} ({figure})"


def _median_run(found: list[dict]) -> dict:
    """The run of median time (the lower middle one for an even count)."""
    ordered = sorted(found, key=lambda run: run["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def _ratio(run: dict, reference: dict, key: str) -> float:
    return run[key] / reference[key] if reference[key] else float("inf")


def _fr(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _thousands(value: float) -> str:
    from esmsnum.domain import formatting

    return formatting.number(round(value), typographic=False)


from esmsnum_bench.cli import bench as _bench_group  # noqa: E402 - the group is defined before its commands

_bench_group.add_command(bench_usage)
COMMANDS: list = []  # registered through the `bench` group
