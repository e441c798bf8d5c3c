"""Rules figures (printed, never asserted): per-person latency over every rule, full and screening.

    .venv/bin/python benchmarks/rules.py [--dump PATH] [--persons 1000]

Screening rules come from the national catalog dump in ../shared/data when present. Population figures
(Polars / DuckDB / Spark, OpenFisca peer) are not measured yet: issue #3 is in progress.
Machine noise: figures vary by ±10-20 % between runs on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

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
    parser.add_argument("--population-households", type=int, default=0, help="e.g. 4500000 for ~10M persons")
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
    print(
        f"per person, all {len(full) + book.size:,} rules (statuses; explanations built for full rules only): "
        f"p50 {statistics.median(timings):.2f} ms, p99 {percentile(timings, 0.99):.2f} ms over {len(timings):,} "
        f"synthetic households (goal: p99 < 10 ms)"
    )
    measure_questions(args.persons)
    if args.population_households:
        measure_population(args.population_households)


def measure_questions(households: int) -> None:
    """Greedy next-question against the static form, over fully known households."""
    rng = random.Random(9)
    runs = [interview(parse_situation(random_household(rng, 1.0), today=ON)) for _ in range(households)]
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


def measure_population(households: int) -> None:
    """Generate a population and evaluate it, each in its own process, reporting time and peak memory
    (peak resident memory as GNU time reports it; install Debian's `time` package if missing)."""
    import shutil
    import subprocess
    import tempfile

    nara = str(Path(sys.executable).parent / "nara")
    timer = ["/usr/bin/time", "-f", "%M"] if shutil.which("/usr/bin/time") else []
    with tempfile.TemporaryDirectory() as folder:
        people, pairs = str(Path(folder) / "people.parquet"), str(Path(folder) / "pairs.parquet")
        batch = [nara, "eligibility", "batch", "--population", people, "--out", pairs, "--engine"]
        for label, command in (
            ("generate", [nara, "population", "generate", "--households", str(households), "--out", people]),
            ("batch (polars)", [*batch, "polars"]),
            ("batch (duckdb)", [*batch, "duckdb"]),
            ("batch (spark local[2])", [*batch, "spark"]),
        ):
            started = time.perf_counter()
            done = subprocess.run([*timer, *command], capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
            peak = f"{int(done.stderr.strip().splitlines()[-1]) / 1024:.0f} MB" if timer else "n/a"
            print(
                f"population {label}: {seconds:.1f} s, peak memory {peak} — {done.stdout.strip().splitlines()[-1]}"
            )


if __name__ == "__main__":
    main()
