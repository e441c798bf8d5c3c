"""Nara's peer rules on OpenFisca-core: one form, one population, one date; JSON figures out.

    benchmarks/peers/.venv/bin/python benchmarks/peers/run_openfisca.py \
        --population FILE.parquet --on 2025-06-01 --form idiomatic|tuned --out RESULT.json

Runs inside the peer venv (``setup.sh``). Not timed: reading the Parquet file into numpy arrays (for the
idiomatic form, categorical columns then decoded to strings, as a survey table would hold them) and
building the tax-benefit system (parameters, variables). Timed: building the simulation from the arrays,
computing every rule variable, and extracting the eligible (person, service) pairs (counted by service).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from numpy_rules import load_population, peak_rss_mb
from openfisca_korea import FORMS, SERVICES, korea_system
from openfisca_korea.simulations import (
    build_idiomatic,
    build_tuned,
    inputs_read,
    pairs_by_service,
    survey_table,
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--population", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, required=True)
    parser.add_argument("--form", choices=FORMS, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    arrays = load_population(args.population)
    system = korea_system(args.form)
    needed = inputs_read(system, SERVICES, args.on) if args.form == "tuned" else frozenset()
    table = survey_table(arrays) if args.form == "idiomatic" else arrays
    started = time.perf_counter()
    if args.form == "tuned":
        simulation = build_tuned(system, arrays, args.on, needed)
    else:
        simulation = build_idiomatic(system, table, args.on)
    built = time.perf_counter()
    pairs = pairs_by_service(simulation, SERVICES, args.on, tuned=args.form == "tuned")
    seconds = time.perf_counter() - started
    result = {
        "form": f"openfisca-{args.form}",
        "seconds": round(seconds, 3),
        "build_seconds": round(built - started, 3),
        "peak_rss_mb": peak_rss_mb(),
        "persons": len(arrays["household"]),
        "pairs_by_service": pairs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
