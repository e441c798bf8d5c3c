"""복지멤버십 job figures (printed, never asserted): the proactive run over whole synthetic populations.

    .venv/bin/python benchmarks/proactive.py [--persons 1000000,10000000] [--engines duckdb,spark,polars]
        [--member-share 1.0] [--folder /tmp/nara-proactive-bench] [--notify-up-to 1000000]
        [--registry-households 20000]

For each size: a population (generated once, reused from ``--folder`` when present), members (everyone,
or a random share), then per engine two runs in their own process — on D = 2025-01-01 (first run:
everything is new) and on D + 1 month against the first run's snapshot — with wall time, persons/s and
the process's peak memory (for Spark also the JVM's, sampled from /proc). The engines' new pairs are
compared (EXCEPT ALL both ways, in DuckDB). Writing the second run's notices into a fresh SQLite database
with ``notices.send_many`` is timed separately (sizes up to ``--notify-up-to``). With
``--registry-households`` the registry path is measured too: registries loaded from a population, every
head a member, ``do_run`` with one access-log record per person read. Small sizes for a quick check:
``--persons 20000 --registry-households 500``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

D, NEXT_MONTH = date(2025, 1, 1), date(2025, 2, 1)
HERE = Path(__file__).resolve()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", default="1000000,10000000", help="population sizes, comma-separated")
    parser.add_argument("--engines", default="duckdb,spark,polars")
    parser.add_argument("--member-share", type=float, default=1.0, help="share of persons who are members")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/nara-proactive-bench"))
    parser.add_argument("--notify-up-to", type=int, default=1_000_000, help="time send_many up to this size")
    parser.add_argument("--registry-households", type=int, default=0, help="also measure the registry path")
    parser.add_argument("--one", nargs=6, metavar=("POPULATION", "MEMBERS", "PREVIOUS", "ON", "ENGINE", "OUT"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.one:
        one_run(*args.one)
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    engines = [engine for engine in args.engines.split(",") if engine]
    for wanted in (int(size) for size in args.persons.split(",")):
        measure_size(wanted, engines, args.member_share, args.folder, notify=wanted <= args.notify_up_to)
    if args.registry_households:
        measure_registry_path(args.registry_households)


def population_file(wanted: int, folder: Path) -> Path:
    """A synthetic population of about ``wanted`` persons, generated once and kept in ``folder``."""
    from nara.population import generate
    from nara.rules import median_income_table

    path = folder / f"people-{wanted}.parquet"
    if path.exists():
        print(f"population: reusing {path}")
        return path
    households = round(wanted / 2.22)  # ~2.22 persons per generated household
    started = time.perf_counter()
    generate(households, 1, path, on=D, median_income=median_income_table(D))
    print(
        f"population: {households:,} households generated in {time.perf_counter() - started:.1f} s → {path}"
    )
    return path


def measure_size(wanted: int, engines: list[str], share: float, folder: Path, *, notify: bool) -> None:
    people = population_file(wanted, folder)
    persons = pl.scan_parquet(people).select(pl.len()).collect().item()
    members = "all"
    if share < 1:
        members_path = folder / f"members-{wanted}-{share}.parquet"
        if not members_path.exists():
            ids = pl.read_parquet(people, columns=["person_id"])
            ids.sample(fraction=share, seed=1).write_parquet(members_path)
        members = str(members_path)
    print(f"\n{persons:,} persons, members: {members if share < 1 else 'everyone'}")
    new_files: dict[str, Path] = {}
    for engine in engines:
        out = folder / f"runs-{wanted}-{engine}"
        first = spawn(people, members, "none", D, engine, out / "1")
        second = spawn(people, members, str(out / "1" / "snapshot.parquet"), NEXT_MONTH, engine, out / "2")
        for label, result in (("run on D (first run)", first), ("run on D + 1 month", second)):
            jvm = f", JVM peak {result['jvm_peak_mb']:,.0f} MB" if result.get("jvm_peak_mb") else ""
            print(f"  {engine:7} {label:22} {result['wall_seconds']:7.1f} s wall ({result['job_seconds']:.1f} s in "
                  f"find_new) {persons / result['wall_seconds']:>10,.0f} persons/s · peak {result['peak_mb']:,.0f} MB"
                  f"{jvm} · eligible {result['eligible']:,} · new {result['new']:,}")  # fmt: skip
        new_files[engine] = out / "2" / "new.parquet"
    compare(new_files, folder)
    if notify and new_files:
        time_notices(next(iter(new_files.values())))


def spawn(people: Path, members: str, previous: str, on: date, engine: str, out: Path) -> dict[str, Any]:
    """One run in its own process (so its peak memory is its own)."""
    command = [
        sys.executable,
        str(HERE),
        "--one",
        str(people),
        members,
        previous,
        on.isoformat(),
        engine,
        str(out),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def one_run(population: str, members: str, previous: str, on: str, engine: str, out: str) -> None:
    from nara.proactive import find_new

    watcher = JvmWatcher() if engine == "spark" else None
    _, _, report = find_new(
        Path(population),
        None if members == "all" else Path(members),
        None if previous == "none" else Path(previous),
        date.fromisoformat(on),
        engine,
        Path(out),
    )
    result = {
        "job_seconds": report.seconds, "persons": report.persons, "members": report.members,
        "eligible": report.eligible, "new": report.new,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "jvm_peak_mb": watcher.stop() if watcher else None,
    }  # fmt: skip
    print(json.dumps(result))


class JvmWatcher:
    """The largest peak resident set (VmHWM) among this process's descendants, sampled twice a second."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.5):
            for pid in descendants(os.getpid()):
                self.peak_kb = max(self.peak_kb, _vm_hwm_kb(pid))

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def compare(new_files: dict[str, Path], folder: Path) -> None:
    """Whether every engine's new pairs of the second run are the same rows (EXCEPT ALL both ways)."""
    import duckdb

    if len(new_files) < 2:
        return
    (first, reference), *others = new_files.items()
    with duckdb.connect(
        config={"memory_limit": "2GB", "temp_directory": str(folder / ".duckdb-spill")}
    ) as db:
        for engine, path in others:
            a, b = f"read_parquet('{reference}')", f"read_parquet('{path}')"
            differ = db.execute(
                f"SELECT (SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})) + "
                f"(SELECT count(*) FROM (SELECT * FROM {b} EXCEPT ALL SELECT * FROM {a}))"
            ).fetchone()
            print(f"  {engine} and {first} give the same new pairs: {differ is not None and differ[0] == 0}")


def time_notices(new: Path) -> None:
    """Write the second run's notices into a fresh SQLite database with notices.send_many."""
    from nara import notices, proactive
    from nara.kernel.db import make_engine, session_factory
    from nara.schema import upgrade

    with tempfile.TemporaryDirectory() as name:
        url = f"sqlite:///{name}/notices.db"
        upgrade(url)
        sessions = session_factory(make_engine(url))
        started, written = time.perf_counter(), 0
        with sessions() as session:
            for batch in proactive.drafts(new, NEXT_MONTH, previous_run_id=1):
                written += notices.send_many(session, batch)
                session.commit()
        seconds = time.perf_counter() - started
        print(f"  notices of the second run written into SQLite with send_many: {written:,} in {seconds:.1f} s "
              f"({written / max(seconds, 1e-9):,.0f}/s)")  # fmt: skip


def measure_registry_path(households: int) -> None:
    """The product's path: registries loaded, every head a member, do_run reading through RegistryStore
    with one access-log record per person read (SQLite database and registries)."""
    from sqlalchemy import select

    from nara import audit, consent, proactive, registry
    from nara.kernel.clock import utcnow
    from nara.kernel.db import make_engine, session_factory
    from nara.population import generate
    from nara.rules import median_income_table
    from nara.schema import upgrade

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        people = folder / "people.parquet"
        generate(households, 2, people, on=D, median_income=median_income_table(D))
        store = registry.RegistryStore(f"sqlite:///{folder}/registries/{{agency}}.db")
        started = time.perf_counter()
        store.load(people)
        print(f"\nregistry path: {households:,} households loaded into the registries in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        url = f"sqlite:///{folder}/nara.db"
        upgrade(url)
        sessions = session_factory(make_engine(url))
        heads = pl.read_parquet(people).filter(pl.col("relation") == "self")["person_id"].to_list()
        with sessions() as session:
            for head in heads:
                consent.join_membership(session, head, registry.catalogue().facts)
            session.commit()
            started = time.perf_counter()
            run, report = proactive.do_run(
                session, proactive.RegistrySource(store), on=D, engine="duckdb", state_dir=folder / "state"
            )
            seconds = time.perf_counter() - started
            from nara.audit.models import AccessRecord

            records = len(session.scalars(select(AccessRecord.position)).all())
            started = time.perf_counter()
            probe = [
                audit.AccessEvent("nara:proactive", f"SYN{n}", ("household.size",), "p", "b")
                for n in range(50_000)
            ]
            audit.record_accesses(session, probe, at=utcnow())
            session.rollback()
            per_second = len(probe) / (time.perf_counter() - started)
        print(f"  do_run over {run.members:,} members / {run.persons:,} persons: {seconds:.1f} s "
              f"(find_new {report.seconds:.1f} s), {records:,} access-log records, {run.notices:,} notices; "
              f"record_accesses alone: {per_second:,.0f} records/s")  # fmt: skip


if __name__ == "__main__":
    main()
