"""Catalog figures (printed, never asserted): import time, search latency, API throughput.

    .venv/bin/python benchmarks/catalog.py [--dump PATH] [--workers 2] [--seconds 15]

Uses the national catalog dump in ../shared/data when present. Throughput is measured with `wrk`
(Debian package) when installed, else with a Python load generator (which competes for the CPU).
Machine noise: figures vary by ±10-20 % between runs on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from nara import catalog
from nara.catalog.search import encoder
from nara.catalog.search.evaluation import load_queries
from nara.kernel.db import make_engine, session_factory, transaction
from nara.schema import upgrade
from nara.settings import PROJECT_ROOT

DUMP = PROJECT_ROOT.parent / "shared" / "data" / "gov24-benefitmatch" / "benefits_20250726_e0cfd850.json.gz"
_EVERYDAY = [
    "지원",
    "돈",
    "신청",
    "어르신",
    "아이",
    "청년",
    "병원비",
    "월세",
    "일자리",
    "장애",
    "농업",
    "학생",
    "바우처",
]


def varied_queries(index: catalog.SearchIndex, count: int, seed: int = 7) -> list[str]:
    """Evaluation questions, fragments of real service names, and everyday words mixed."""
    rng = random.Random(seed)
    pool = dict.fromkeys(q.query for q in load_queries())
    names = [card.name for card in index.cards]
    while len(pool) < count:
        words = rng.choice(names).split()
        fragment = " ".join(words[: rng.randint(1, max(1, len(words)))])
        pool[fragment if rng.random() < 0.5 else f"{fragment} {rng.choice(_EVERYDAY)}"] = None
    queries = list(pool)
    rng.shuffle(queries)
    return queries[:count]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_import(url: str, dump: Path) -> None:
    engine = make_engine(url)
    upgrade(url)
    with transaction(session_factory(engine)) as session:
        catalog.do_seed_catalog(session)
    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        report = catalog.do_import_gov24(session, [dump])
    first = time.perf_counter() - started
    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        again = catalog.do_import_gov24(session, [dump])
    second = time.perf_counter() - started
    print(
        f"import of {report.received:,} rows: {first:.1f} s (created {report.created:,}, "
        f"linked to curated {report.linked_to_curated}, rejected {len(report.rejected)})"
    )
    print(f"re-import (idempotent, {again.unchanged:,} unchanged): {second:.1f} s")


def measure_search(url: str, count: int) -> list[str]:
    """Latency of in-process searches; returns distinct queries for the throughput run."""
    with session_factory(make_engine(url))() as session:
        started = time.perf_counter()
        index = catalog.build_search_index(session)
    print(f"index build from the database: {time.perf_counter() - started:.1f} s for {index.size:,} services")
    queries = varied_queries(index, count)
    index.search("준비")
    encoder.encode_query.cache_clear()  # every timed query is new to the process
    timings: list[float] = []
    for query in queries:
        started = time.perf_counter()
        catalog.search_services(index, query)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"search latency over {len(queries):,} varied queries (in-process, hybrid, {index.size:,} services): "
        f"p50 {statistics.median(timings):.2f} ms, p99 {percentile(timings, 0.99):.2f} ms, "
        f"max {max(timings):.2f} ms (goal: p99 < 20 ms)"
    )
    return queries


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure_throughput(
    url: str, index_queries: tuple[list[str], list[str]], workers: int, seconds: int
) -> None:
    """Requests per second for distinct queries (no query asked twice) and for popular repeated ones."""
    port = _free_port()
    env = os.environ | {"NARA_DATABASE_URL": url, "NARA_ENV": "development"}
    nara = Path(sys.executable).parent / "nara"
    server = subprocess.Popen(
        [str(nara), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base + "/api/v1/services?q=" + urllib.parse.quote("출산"))
        distinct, popular = index_queries
        runs = (("distinct queries, none repeated", distinct), ("86 popular questions, repeated", popular))
        for label, queries in runs:
            paths = [f"/api/v1/services?q={urllib.parse.quote(q)}" for q in queries]
            rate = _wrk(base, paths, seconds) if shutil.which("wrk") else _python_load(base, paths, seconds)
            print(
                f"GET /api/v1/services?q=… throughput ({workers} server workers, {label}): "
                f"{rate:,.0f} req/s (goal: >= 500 req/s)"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_until_serving(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("server did not start")


def _wrk(base: str, paths: list[str], seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n")
        script.write(
            "i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
        )
    result = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", "-s", script.name, base],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stdout.splitlines():
        if line.strip().startswith(("50%", "99%", "Non-2xx")):
            print(f"  wrk {line.strip()}")
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(result.stdout)


def _python_load(base: str, paths: list[str], seconds: int) -> float:
    import concurrent.futures

    def run(offset: int) -> int:
        done, end = 0, time.monotonic() + seconds
        while time.monotonic() < end:
            with urllib.request.urlopen(base + paths[(offset + done) % len(paths)]) as response:
                response.read()
            done += 1
        return done

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(run, range(0, 8 * 97, 97)))
    return total / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, default=DUMP)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--queries", type=int, default=1000, help="varied queries for the latency figures")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    if not args.dump.exists():
        sys.exit(f"national catalog dump not found at {args.dump}")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        print(f"database: {url.split('@')[-1]}")
        measure_import(url, args.dump)
        distinct = measure_search(url, args.queries)
        popular = [q.query for q in load_queries()]
        measure_throughput(url, (distinct, popular), args.workers, args.seconds)


if __name__ == "__main__":
    main()
