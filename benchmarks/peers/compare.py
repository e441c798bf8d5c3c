"""The peers (OpenFisca idiomatic and tuned, hand-written numpy) on one population, and their agreement
with Nara's own engine.

    .venv/bin/python benchmarks/peers/compare.py --households 20000 --on 2025-06-01 --on 2026-03-15 --check
    .venv/bin/python benchmarks/peers/compare.py --population people.parquet --on 2025-06-01

Runs in Nara's venv. Every form runs in its own subprocess — the OpenFisca forms in the peer venv
(``setup.sh`` is run first when it is missing), the numpy form in this venv — so that each one's peak
resident memory is its own and comparable. ``--check`` also runs ``nara eligibility batch --engine polars``
and compares the pairs service by service.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEER_PYTHON = HERE / ".venv" / "bin" / "python"
NARA = Path(sys.executable).parent / "nara"
FORMS = ("openfisca-idiomatic", "openfisca-tuned", "numpy")


def ensure_peer_venv() -> None:
    """Create the peer venv (OpenFisca-core, numpy, pyarrow) unless it is already there."""
    subprocess.run(["bash", str(HERE / "setup.sh")], check=True)


def run_form(form: str, population: Path, on: date) -> dict[str, Any]:
    """One form in its own process: its JSON result (form, seconds, peak_rss_mb, persons, pairs_by_service)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        common = ["--population", str(population), "--on", on.isoformat(), "--out", str(out)]
        if form == "numpy":
            command = [sys.executable, str(HERE / "numpy_rules.py"), *common]
        else:
            command = [
                str(PEER_PYTHON),
                str(HERE / "run_openfisca.py"),
                "--form",
                form.removeprefix("openfisca-"),
                *common,
            ]
        subprocess.run(command, check=True, capture_output=True, text=True, cwd=HERE)
        result: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return result


def run_peers(population: Path, on: date, forms: tuple[str, ...] = FORMS) -> list[dict[str, Any]]:
    """Every peer form on ``population`` for ``on``, one subprocess each."""
    ensure_peer_venv()
    return [run_form(form, population, on) for form in forms]


def engine_pairs(population: Path, on: date, engine: str = "polars") -> dict[str, int]:
    """Nara's own eligible (person, service) pairs for the population, counted by service."""
    import polars as pl

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "pairs.parquet"
        subprocess.run(
            [str(NARA), "eligibility", "batch", "--population", str(population), "--out", str(out),
             "--engine", engine, "--on", on.isoformat()],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        counts = pl.read_parquet(out).group_by("service_id").len()
    return {str(service): int(count) for service, count in counts.iter_rows()}


def disagreements(results: list[dict[str, Any]], engine: dict[str, int]) -> list[str]:
    """Where a peer's pairs differ from the engine's, service by service (empty: they all agree)."""
    found: list[str] = []
    services = set(results[0]["pairs_by_service"]) if results else set()
    for result in results:
        pairs: dict[str, int] = result["pairs_by_service"]
        if set(pairs) != services:
            found.append(f"{result['form']}: services {sorted(set(pairs) ^ services)} not in every form")
        for service, count in sorted(pairs.items()):
            if engine.get(service, 0) != count:
                found.append(
                    f"{result['form']} {service}: {count:,} pairs, Nara's engine {engine.get(service, 0):,}"
                )
    return found


def agreement(population: Path, on: date, results: list[dict[str, Any]] | None = None) -> list[str]:
    """Run the peers (unless their ``results`` are given) and Nara's Polars batch on the same population and
    date; the disagreements, service by service (empty: every peer gives exactly the engine's pairs)."""
    return disagreements(
        results if results is not None else run_peers(population, on), engine_pairs(population, on)
    )


def parameters_current() -> bool:
    """Whether the OpenFisca parameter tree still matches Nara's parameter files, and the implemented rules
    their recorded fingerprints."""
    done = subprocess.run([sys.executable, str(HERE / "export_parameters.py"), "--check"], check=False)
    return done.returncode == 0


def generate(households: int, seed: int, on: date, out: Path) -> Path:
    subprocess.run(
        [str(NARA), "population", "generate", "--households", str(households), "--seed", str(seed),
         "--out", str(out), "--on", on.isoformat()],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--population", type=Path, help="a population file (default: generate one)")
    parser.add_argument("--households", type=int, default=20_000, help="households to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--on", type=date.fromisoformat, action="append", help="evaluation date (repeatable)")
    parser.add_argument("--check", action="store_true", help="compare every peer's pairs with Nara's engine")
    args = parser.parse_args()
    dates: list[date] = args.on or [date(2025, 6, 1)]
    failed = False
    if args.check and not parameters_current():
        print("parameters or rules changed since the peers were written (see above)", file=sys.stderr)
        failed = True
    with tempfile.TemporaryDirectory() as folder:
        population = args.population or generate(
            args.households, args.seed, dates[0], Path(folder) / "people.parquet"
        )
        for on in dates:
            results = run_peers(population, on)
            for result in results:
                print(
                    f"{on} {result['form']:<20} {result['seconds']:>8.3f} s  peak {result['peak_rss_mb']:>7.0f} MB  "
                    f"{result['persons']:,} persons, {sum(result['pairs_by_service'].values()):,} pairs over "
                    f"{len(result['pairs_by_service'])} services"
                )
            if args.check:
                differences = agreement(population, on, results)
                for line in differences:
                    print(f"{on} DISAGREE {line}")
                if not differences:
                    print(f"{on} every peer agrees with Nara's Polars batch, service by service")
                failed = failed or bool(differences)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
