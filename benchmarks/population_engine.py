"""One engine on one population file, in its own process: compute time and peak memory as JSON.

    .venv/bin/python benchmarks/population_engine.py --population people.parquet --on 2025-06-01 \
        --engine polars|duckdb [--services ID,ID,…] --out result.json

Reading the Parquet file is not timed (the peers do not time it either); the timed part goes from the
population in memory to the eligible (person, service, reason) pairs. Peak memory is the process's
maximum resident set (``resource.getrusage``), reading included.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date
from pathlib import Path

import polars as pl

from nara.rules.polars_batch import columns_needed, eligible_pairs
from nara.rules.rulebook import Rule, rulebook


def chosen_rules(services: str | None) -> tuple[Rule, ...]:
    if not services:
        return rulebook()
    wanted = set(services.split(","))
    return tuple(rule for rule in rulebook() if rule.service_id in wanted)


def with_polars(population: Path, rules: tuple[Rule, ...], on: date) -> tuple[float, dict[str, int]]:
    import pyarrow.parquet as pq

    present = set(pq.read_schema(population).names)
    people = pl.read_parquet(population, columns=[c for c in columns_needed(rules) if c in present])
    started = time.perf_counter()
    pairs = eligible_pairs(people, rules, on)
    seconds = time.perf_counter() - started
    counts = {str(service): count for service, count in pairs.group_by("service_id").len().iter_rows()}
    return seconds, counts


def with_duckdb(population: Path, rules: tuple[Rule, ...], on: date) -> tuple[float, dict[str, int]]:
    import duckdb
    import pyarrow.parquet as pq

    from nara.rules.sql_plan import SqlPlan

    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE people AS SELECT * FROM read_parquet('{population}')")
    columns = frozenset(pq.read_schema(population).names)
    query = SqlPlan(on).pairs_query(rules, "people", columns=columns)
    started = time.perf_counter()
    connection.execute(f"CREATE TABLE pairs AS {query}")
    seconds = time.perf_counter() - started
    rows = connection.execute("SELECT service_id, count(*) FROM pairs GROUP BY service_id").fetchall()
    return seconds, {str(service): int(count) for service, count in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--population", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, required=True)
    parser.add_argument("--engine", choices=("polars", "duckdb"), default="polars")
    parser.add_argument("--services", default=None)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rules = chosen_rules(args.services)
    run = with_polars if args.engine == "polars" else with_duckdb
    seconds, counts = run(args.population, rules, args.on)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    args.out.write_text(
        json.dumps(
            {
                "form": f"nara-{args.engine}",
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(peak_mb),
                "rules": len(rules),
                "pairs_by_service": counts,
            }
        ),
        "utf-8",
    )


if __name__ == "__main__":
    main()
