"""Registry and access-log figures for issue #4 (printed, never asserted).

    .venv/bin/python benchmarks/registry.py [--households 20000] [--requests 2000] [--warm-up 50]
        [--log-records 1000000] [--batch 10000] [--seed 4] [--database-url URL] [--audit-key PATH]
        [--profile]

Everything happens in a fresh temporary folder: Nara's database is a SQLite file there (its tables made by
the Alembic migrations, ``nara.schema.upgrade``) unless ``--database-url`` names another, and the agency
registries are one SQLite file each (``registries/{agency}.db``), or, when ``--database-url`` is
PostgreSQL, one schema each in that same database (dropped and reloaded first; Nara's own tables are kept,
as is any access log already there).

1. The exchange. A synthetic population of ``--households`` households (``nara.population.generate``) is
   loaded into the registries (load time printed). After ``--warm-up`` requests, ``--requests`` requests
   from ``official:mohw:k0001`` for ``benefit_determination`` on ``law:nbls-22``, each for a random existing
   person and for the first 20 facts of the catalogue, are timed one by one: each commits its access-log
   record, then reads every registry concerned and signs one response per registry. Printed: p50, p99 and
   mean latency and requests/s; and, timed apart, p50 of ``verify_responses`` (what a consumer does with
   each answer). ``--profile`` adds the top functions of a cProfile run over the same requests.
2. The access log. ``--log-records`` varied records (subjects, actors, facts, bases of realistic length) are
   appended with ``audit.record_accesses`` in transactions of ``--batch`` into the same database, with
   progress every 100,000; then a checkpoint is signed and ``audit.verify_log`` walks the whole log (any
   records already there included, e.g. in a shared PostgreSQL database). Printed: records/s appended,
   verify time and records/s, whether the log verified, and the process's peak RSS. Checkpoints are signed
   with a new key each run unless ``--audit-key PATH`` is given, so in a database kept between runs the
   earlier runs' checkpoints do not verify (reported as problems) unless the same key is passed each time.

Machine noise: figures vary ±10–20 % between runs on a noisy 2-core machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from nara import audit, population, registry, rules, schema
from nara.audit.models import AccessRecord
from nara.kernel.db import make_engine, session_factory, transaction

ON = date(2025, 1, 1)
CALLER = "official:mohw:k0001"
PURPOSE = "benefit_determination"
BASIS = "law:nbls-22"
FACT_COUNT = 20
PROGRESS_EVERY = 100_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def registry_url(database_url: str, folder: Path) -> str:
    """One schema per registry in a PostgreSQL database; otherwise one SQLite file per registry."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return database_url
    return f"sqlite:///{folder / 'registries'}/{{agency}}.db"


def log_size(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AccessRecord)) or 0)


def load_registries(
    args: argparse.Namespace, url: str, folder: Path
) -> tuple[registry.RegistryStore, list[str]]:
    """Generate the population, (re)load every registry from it; the population's person ids."""
    path = folder / "population.parquet"
    generated = population.generate(
        args.households, args.seed, path, on=ON, median_income=rules.median_income_table(ON)
    )
    print(
        f"population: {generated.households:,} households, {generated.persons:,} persons "
        f"generated in {generated.seconds:.1f} s"
    )
    store = registry.RegistryStore(url)
    store.drop()
    started = time.perf_counter()
    loaded = store.load(path)
    seconds = time.perf_counter() - started
    rows = sum(loaded.values())
    print(
        f"registries on {store.engine('resident').dialect.name}: {rows:,} records loaded in {seconds:.1f} s "
        f"({rows / seconds:,.0f} records/s): "
        + ", ".join(f"{code} {count:,}" for code, count in loaded.items())
    )
    persons = pq.read_table(path, columns=["person_id"]).column("person_id").to_pylist()
    return store, [str(person) for person in persons]


def measure_exchange(
    args: argparse.Namespace, sessions: sessionmaker[Session], store: registry.RegistryStore, folder: Path,
    persons: list[str],
) -> None:  # fmt: skip
    keys = registry.AgencyKeys(folder / "keys", list(store.catalogue.agencies))
    exchange = registry.Exchange(sessions, store, keys)
    jwks = keys.jwks()
    facts = tuple(store.catalogue.facts)[:FACT_COUNT]
    spanned = list(dict.fromkeys(store.catalogue.facts[name].registry for name in facts))
    print(
        f"request: {len(facts)} of {len(store.catalogue.facts)} catalogue facts, from {len(spanned)} "
        f"registries ({', '.join(spanned)}); caller {CALLER}, purpose {PURPOSE}, basis {BASIS}"
    )
    rng = random.Random(args.seed)

    def ask() -> registry.ExchangeRequest:
        return registry.ExchangeRequest(CALLER, rng.choice(persons), facts, PURPOSE, BASIS)

    for _ in range(args.warm_up):
        registry.verify_responses(exchange.request(ask()), jwks)
    latencies: list[float] = []
    verifying: list[float] = []
    verified_facts = 0
    for _ in range(args.requests):
        request = ask()
        started = time.perf_counter()
        result = exchange.request(request)
        between = time.perf_counter()
        values = registry.verify_responses(result, jwks)
        ended = time.perf_counter()
        latencies.append((between - started) * 1000)
        verifying.append((ended - between) * 1000)
        verified_facts += len(values)
    total = sum(latencies) / 1000
    print(
        f"exchange request ({args.requests:,} after {args.warm_up} warm-up, one at a time): "
        f"p50 {statistics.median(latencies):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms, "
        f"mean {statistics.fmean(latencies):.2f} ms, {args.requests / total:,.0f} requests/s"
    )
    print(
        f"verify_responses (consumer side, {len(spanned)} signed responses each): "
        f"p50 {statistics.median(verifying):.2f} ms, p99 {percentile(verifying, 0.99):.2f} ms; "
        f"{verified_facts / args.requests:.1f} facts per verified answer"
    )
    if args.profile:
        profile(lambda: exchange.request(ask()), args.requests)


def profile(call: Callable[[], object], times: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(f"profile of {times:,} more requests (top 30 by cumulative time):")
    print(out.getvalue())


ACTORS = (
    *(f"official:{agency}:k{n:04d}" for agency in ("mohw", "mois", "nhis", "ssis", "moel") for n in range(1, 201)),
    "agency:mohw", "agency:nhis", "agency:nps", "nara:proactive", "nara:eligibility", "nara:download",
)  # fmt: skip
BASES = ("law:nbls-22", "law:resident-30", "law:egov-36", "law:pipa-35", "law:pipa-35-2")


def random_events(
    rng: random.Random, count: int, persons: list[str], fact_names: list[str], purposes: list[str]
) -> list[audit.AccessEvent]:
    """Varied records: who, whose, which facts (1–22, mostly a few), why, on which basis."""
    events = []
    for _ in range(count):
        subject = rng.choice(persons)
        self_view = rng.random() < 0.15
        chosen = min(len(fact_names), max(1, round(rng.expovariate(1 / 5))))
        basis = f"consent:{rng.getrandbits(128):032x}" if rng.random() < 0.3 else rng.choice(BASES)
        events.append(
            audit.AccessEvent(
                actor=f"citizen:{subject}" if self_view else rng.choice(ACTORS),
                subject=subject,
                facts=tuple(rng.sample(fact_names, chosen)),
                purpose=rng.choice(purposes),
                basis=basis,
                outcome="refused" if rng.random() < 0.02 else "granted",
                on_behalf_of=f"citizen:{rng.choice(persons)}" if rng.random() < 0.05 else None,
                case_ref=f"APP-2026-{rng.randrange(1_000_000):06d}" if rng.random() < 0.5 else None,
            )
        )
    return events


def measure_access_log(
    args: argparse.Namespace, sessions: sessionmaker[Session], persons: list[str], folder: Path
) -> None:
    catalogue = registry.catalogue()
    fact_names, purposes = list(catalogue.facts), list(catalogue.purposes)
    rng = random.Random(args.seed + 1)
    before = log_size(sessions)
    print(f"access log: {before:,} records already there; appending {args.log_records:,}")
    appending = 0.0
    done = 0
    while done < args.log_records:
        events = random_events(rng, min(args.batch, args.log_records - done), persons, fact_names, purposes)
        started = time.perf_counter()
        with transaction(sessions) as session:
            audit.record_accesses(session, events)
        appending += time.perf_counter() - started
        previous, done = done, done + len(events)
        if done // PROGRESS_EVERY > previous // PROGRESS_EVERY or done == args.log_records:
            print(f"  {done:,} appended, {done / appending:,.0f} records/s so far", flush=True)
    rate = done / appending if appending else 0.0
    key = audit.load_or_create_key(args.audit_key or folder / "audit.pem")
    with transaction(sessions) as session:
        audit.write_checkpoint(session, key)
    started = time.perf_counter()
    with sessions() as session:
        report = audit.verify_log(session, key)
    verifying = time.perf_counter() - started
    print(
        f"access log append: {done:,} records in {appending:.1f} s ({rate:,.0f} records/s, "
        f"transactions of {args.batch:,}; generating the events not counted)"
    )
    print(
        f"audit verify: {report.records:,} records ({before:,} there before) and {report.checkpoints:,} "
        f"checkpoints in {verifying:.1f} s ({report.records / verifying:,.0f} records/s); ok: {report.ok}"
    )
    for problem in report.problems[:5]:
        print(f"  problem: {problem}")
    if len(report.problems) > 5:
        print(f"  … {len(report.problems) - 5:,} more problems")


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=positive, default=20_000)
    parser.add_argument("--requests", type=positive, default=2_000)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--log-records", type=int, default=1_000_000)
    parser.add_argument("--batch", type=positive, default=10_000, help="access-log events per transaction")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--database-url", default=None, help="Nara's database (default: a fresh SQLite file)")
    parser.add_argument(
        "--audit-key", type=Path, default=None, help="checkpoint key (default: a new one in the temp folder)"
    )
    parser.add_argument("--profile", action="store_true", help="also profile the exchange requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = args.database_url or f"sqlite:///{folder / 'nara.db'}"
        schema.upgrade(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        print(f"Nara's database: {engine.url.render_as_string(hide_password=True)}")
        store, persons = load_registries(args, registry_url(url, folder), folder)
        try:
            measure_exchange(args, sessions, store, folder, persons)
        finally:
            store.dispose()
        measure_access_log(args, sessions, persons, folder)
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
