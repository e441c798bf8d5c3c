"""Rules figures (printed, never asserted): per-person latency over every rule, full and screening.

    .venv/bin/python benchmarks/rules.py [--dump PATH] [--persons 1000] [--questions 1000]
        [--population-persons 1000000,10000000] [--no-spark] [--idiomatic-up-to N]

Screening rules come from the national catalog dump in ../shared/data when present. With
``--population-persons 1000000,10000000`` it also generates populations and measures every engine and the
peers (``benchmarks/peers``: OpenFisca-core idiomatic and tuned, in their own venv, and plain numpy).
Machine noise: figures vary by ±10-20 % between runs on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from nara.rules import ScreeningBook, ScreeningSource, evaluate, parse_situation, rulebook
from nara.rules.interview import interview
from nara.settings import PROJECT_ROOT

DUMP = PROJECT_ROOT.parent / "shared" / "data" / "gov24-benefitmatch" / "benefits_20250726_e0cfd850.json.gz"
ON = date(2025, 6, 1)


def random_household(rng: random.Random, known_share: float = 0.8) -> dict[str, Any]:
    """A plausible household with some facts left unknown, as a citizen's partial answers would be."""

    def maybe(value: Any) -> Any:
        return value if rng.random() < known_share else None

    def flag(share: float) -> bool | None:
        return maybe(rng.random() < share)

    adults = rng.choice([1, 1, 2, 2, 2])
    members: list[dict[str, Any]] = []
    for n in range(adults):
        age = rng.randint(20, 90)
        employment = rng.choice(["employed", "employed", "self_employed", "unemployed", "none"])
        members.append({
            "id": f"a{n}", "relation": "self" if n == 0 else "spouse",
            "birth_date": maybe((ON - timedelta(days=365 * age + rng.randint(0, 364))).isoformat()),
            "sex": maybe(rng.choice(["male", "female"])), "disability": maybe(rng.choice(["none"] * 9 + ["mild", "severe"])),
            "disability_kind": maybe(rng.choice(["physical", "hearing", "intellectual"])),
            "employment": maybe(employment), "pregnant": flag(0.03 if age < 45 else 0.0),
            "health_insurance": maybe(rng.choice(["employee", "employee", "regional", "dependent", "medical_aid"])),
            "insured_days": maybe(rng.choice([0, 90, 200, 400, 2000])), "left_job_involuntarily": flag(0.1),
            "unemployed_months": maybe(rng.choice([0, 0, 2, 6])), "leave": maybe(rng.choice(["none"] * 8 + ["parental", "maternity", "paternity"])),
            "earned_income_annual": maybe(rng.choice([0, 12_000_000, 30_000_000, 60_000_000])),
            "monthly_wage": maybe(rng.choice([0, 2_000_000, 3_500_000])), "workplace_employees": maybe(rng.choice([3, 8, 50, 300])),
            "business": maybe(rng.choice(["none"] * 6 + ["preparing", "operating", "closing", "closed"])),
            "veteran": flag(0.03), "industry": maybe(rng.choice(["none"] * 9 + ["farming"])),
            "chronic_illness": flag(0.2), "dementia": flag(0.05 if age > 64 else 0.0), "geriatric_disease": flag(0.1 if age > 64 else 0.0),
            "rare_disease": flag(0.02), "activity_support_assessed": flag(0.03), "infertility_diagnosed": flag(0.03),
            "mental_health_referral": flag(0.05), "preparing_pregnancy": flag(0.03),
            "school": maybe(rng.choice(["none"] * 9 + ["university"])), "credits_last_term": maybe(rng.choice([0, 15])),
            "grade_score": maybe(rng.choice([70.0, 85.0])),
        })  # fmt: skip
    for n in range(rng.choice([0, 0, 1, 2, 3])):
        months = rng.randint(0, 12 * 18)
        members.append({
            "id": f"c{n}", "relation": "child", "birth_order": n + 1,
            "birth_date": maybe((ON - timedelta(days=months * 30 + rng.randint(0, 29))).isoformat()),
            "school": maybe(rng.choice(["none", "elementary", "middle", "high"])),
            "childcare": maybe(rng.choice(["none", "daycare", "kindergarten"]) if months < 72 else "none"),
            "disability": maybe(rng.choice(["none"] * 19 + ["mild"])), "disability_kind": maybe("intellectual"),
            "health_insurance": maybe("dependent"), "protected_child": flag(0.01),
        })  # fmt: skip
    household = {
        "income_recognised_monthly": maybe(rng.randint(0, 8_000_000)),
        "owns_home": flag(0.5), "single_parent": flag(0.05), "multicultural": flag(0.03),
        "north_korean_defector": flag(0.005), "recently_moved_in": flag(0.1),
        "region": maybe(rng.choice(["11680", "26440", "41135", "47190"])),
        "assets": maybe(rng.choice([30_000_000, 150_000_000, 400_000_000, 900_000_000])),
        "income_annual": maybe(rng.choice([10_000_000, 25_000_000, 45_000_000, 80_000_000])),
        "crisis": flag(0.05), "newlywed": flag(0.1), "bereaved": flag(0.03),
        "deceased_pension_years": maybe(rng.choice([0, 5, 15])), "child_support_unpaid_months": maybe(rng.choice([0, 0, 6])),
        "medical_expenses_annual": maybe(rng.choice([300_000, 3_000_000, 15_000_000])),
        "rent_monthly": maybe(rng.choice([0, 400_000, 800_000])), "rent_deposit": maybe(rng.choice([0, 10_000_000, 100_000_000])),
    }  # fmt: skip
    situation = {"on": ON.isoformat(), "subject": "a0", "household": household, "members": members}
    return json.loads(
        json.dumps(situation), object_hook=lambda d: {k: v for k, v in d.items() if v is not None}
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, default=DUMP)
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=1000, help="households interviewed")
    parser.add_argument(
        "--population-persons",
        default="",
        help="comma-separated sizes, e.g. 1000000,10000000 (default: none)",
    )
    parser.add_argument("--no-spark", action="store_true", help="leave Spark out of the population figures")
    parser.add_argument(
        "--idiomatic-up-to",
        type=int,
        default=10_000_000,
        help="run idiomatic OpenFisca up to this many persons",
    )
    args = parser.parse_args()
    full = rulebook()
    sources: list[ScreeningSource] = []
    if args.dump.exists():
        with gzip.open(args.dump, "rt", encoding="utf-8") as handle:
            rows = json.load(handle)
        decided = {rule.service_id for rule in full}
        sources = [
            ScreeningSource(r["id"], r["name"], r["condition"])
            for r in rows
            if r["id"] not in decided and ("개인" in r["userType"] or "가구" in r["userType"])
        ]
    else:
        print(f"national catalog dump not found at {args.dump}: screening rules left out", file=sys.stderr)
    started = time.perf_counter()
    book = ScreeningBook(sources)
    print(
        f"rules: {len(full)} full + {book.size:,} screening; screening index built in {time.perf_counter() - started:.2f} s"
    )
    rng = random.Random(5)
    situations = [parse_situation(random_household(rng), today=ON) for _ in range(args.persons)]
    timings: list[float] = []
    for situation in situations:
        started = time.perf_counter()
        evaluate(situation)
        book.screen(situation).counts()
        timings.append((time.perf_counter() - started) * 1000)
    if timings:
        print(
            f"per person, all {len(full) + book.size:,} rules (statuses; explanations built for full rules only): "
            f"p50 {statistics.median(timings):.2f} ms, p99 {percentile(timings, 0.99):.2f} ms over "
            f"{len(timings):,} synthetic households (goal: p99 < 10 ms)"
        )
    if args.questions:
        measure_questions(args.questions)
    if args.population_persons:
        sizes = [int(size) for size in args.population_persons.split(",")]
        measure_population(sizes, spark=not args.no_spark, idiomatic_up_to=args.idiomatic_up_to)


def _interview_seeded(seed: int) -> Any:
    return interview(parse_situation(random_household(random.Random(seed), 1.0), today=ON))


def measure_questions(households: int) -> None:
    """Greedy next-question against the static form, over fully known households (two processes)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(_interview_seeded, range(households), chunksize=25))
    greedy = [run.questions for run in runs]
    static = [run.static_questions for run in runs]
    revealed = [run.revealed_questions for run in runs]
    print(
        f"questions to a full answer over {households:,} households ({len(rulebook())} full rules): greedy "
        f"average {statistics.mean(greedy):.2f} (max {max(greedy)}), static form average "
        f"{statistics.mean(static):.2f} (max {max(static)}): {statistics.mean(static) / statistics.mean(greedy):.2f}x "
        f"fewer (goal >= 3x); sound: {all(run.sound for run in runs)}; a form revealing each question only "
        f"once relevant: average {statistics.mean(revealed):.2f} ({statistics.mean(revealed) / statistics.mean(greedy):.2f}x)"
    )


PEER_SERVICES = (  # the 21 rules the peers implement (benchmarks/peers/README.md): every fact a population column
    "135200000120", "NARA-PARENT-BENEFIT", "135200005015", "134200000003", "174000000029", "423000000362",
    "SPE000000020", "SSI000000020", "SSE000000170", "WII000001410", "999000000043", "336000000096",
    "137100000236", "149200000026", "172100000012", "999000000022", "SBA000000100", "SD0000016119",
    "SPE000000010", "SSE000000100", "PTR000050390",
)  # fmt: skip
HERE = Path(__file__).resolve().parent


def _timed(command: list[str]) -> tuple[float, float, str]:
    """Run a command; wall seconds, peak resident MB (GNU time, the process and what it waited for), stdout."""
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    done = subprocess.run([*timer, *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024 if timer else float("nan")
    return seconds, peak, done.stdout


def _engine(population: Path, engine: str, services: tuple[str, ...] | None, folder: Path) -> dict[str, Any]:
    out = folder / f"{engine}.json"
    command = [sys.executable, str(HERE / "population_engine.py"), "--population", str(population),
               "--on", ON.isoformat(), "--engine", engine, "--out", str(out)]  # fmt: skip
    if services:
        command += ["--services", ",".join(services)]
    subprocess.run(command, check=True)
    result: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return result


def measure_population(persons_wanted: list[int], *, spark: bool, idiomatic_up_to: int) -> None:
    """For each population size: generation, every engine on every curated rule, and the peers on the 21
    rules they implement — each in its own process, so each peak memory is its own. Timed parts start from
    the population in memory (reading Parquet is not timed, for anyone); Spark is timed end to end."""
    import tempfile

    sys.path.insert(0, str(HERE))
    from peers.compare import run_form

    nara = str(Path(sys.executable).parent / "nara")
    for wanted in persons_wanted:
        households = round(wanted / 2.22)  # ~2.22 persons per household in the generated population
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            people = folder / "people.parquet"
            seconds, peak, _ = _timed(
                [nara, "population", "generate", "--households", str(households), "--out", str(people)]
            )
            persons = pl.scan_parquet(people).select(pl.len()).collect().item()
            print(f"\npopulation of {persons:,} persons ({households:,} households): generated in {seconds:.1f} s, "
                  f"peak {peak:,.0f} MB (goal for 10M: < 2 min, < 4 GB)")  # fmt: skip
            everything = {engine: _engine(people, engine, None, folder) for engine in ("polars", "duckdb")}
            for engine, result in everything.items():
                print(f"  {engine}, all {result['rules']} curated rules: {result['seconds']:.2f} s "
                      f"({persons / result['seconds']:,.0f} persons/s), peak {result['peak_rss_mb']:,} MB, "
                      f"{sum(result['pairs_by_service'].values()):,} pairs")  # fmt: skip
            same = everything["polars"]["pairs_by_service"] == everything["duckdb"]["pairs_by_service"]
            print(f"  Polars and DuckDB give the same pairs, service by service: {same}")
            if spark:
                out = folder / "spark.parquet"
                seconds, peak, _ = _timed([nara, "eligibility", "batch", "--population", str(people), "--out",
                                           str(out), "--engine", "spark", "--on", ON.isoformat()])  # fmt: skip
                spark_pairs = pl.read_parquet(out).group_by("service_id").len()
                agree = {str(s): int(n) for s, n in spark_pairs.iter_rows()} == everything["polars"][
                    "pairs_by_service"
                ]
                print(f"  spark local[2], all rules, end to end (JVM start, read, write): {seconds:.1f} s "
                      f"({persons / seconds:,.0f} persons/s), peak of the driver {peak:,.0f} MB; same pairs: {agree}")  # fmt: skip
            measure_peers(people, persons, folder, run_form, idiomatic=persons <= idiomatic_up_to)


def measure_peers(people: Path, persons: int, folder: Path, run_form: Any, *, idiomatic: bool) -> None:
    ours = _engine(people, "polars", PEER_SERVICES, folder)
    forms = ["numpy", "openfisca-tuned"] + (["openfisca-idiomatic"] if idiomatic else [])
    peers = {form: run_form(form, people, ON) for form in forms}
    print(f"  peers, the same {len(PEER_SERVICES)} rules on the same persons:")
    for label, result in [("nara polars", ours), *peers.items()]:
        print(f"    {label:20} {result['seconds']:6.2f} s  {persons / result['seconds']:>12,.0f} persons/s  "
              f"peak {result['peak_rss_mb']:>6,.0f} MB")  # fmt: skip
    tuned, numpy_s = peers["openfisca-tuned"]["seconds"], peers["numpy"]["seconds"]
    line = (f"    ratios: tuned OpenFisca / Nara {tuned / ours['seconds']:.2f} (goal >= 1.0); Nara / numpy "
            f"{ours['seconds'] / numpy_s:.2f} (goal <= 1.5)")  # fmt: skip
    if idiomatic:
        line += f"; idiomatic OpenFisca / Nara {peers['openfisca-idiomatic']['seconds'] / ours['seconds']:.1f} (goal >= 5)"
    print(line)
    agree = all(result["pairs_by_service"] == ours["pairs_by_service"] for result in peers.values())
    print(f"    every peer gives Nara's pairs, service by service: {agree}")


if __name__ == "__main__":
    main()
