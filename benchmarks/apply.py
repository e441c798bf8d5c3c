"""한 번에 신청 figures (printed, never asserted): 행복출산 submissions per second with the server running.

    .venv/bin/python benchmarks/apply.py [--workers 2] [--clients 16] [--submissions 2000] [--journeys 400]
        [--citizens 48] [--households 3000] [--database-url URL] [--proactive]

The real server: Nara's database migrated and the registries loaded by the `nara` command, then
`nara serve --workers N` in a process of its own. The database is PostgreSQL by default
(``postgresql+psycopg://postgres@127.0.0.1:5432/nara_bench_apply``: created with ``createdb`` when missing,
every schema in it dropped at the start — so its name must contain "bench"; the registries are schemas in
it too); ``--database-url sqlite`` compares SQLite (registries as SQLite files beside it).

1. ``--citizens`` married women of 20 to 45 enrol (name, birth date, the one-time code from the development
   outbox) and sign in, then each walks 행복출산 to its review page (consent → facts → check).
2. Submissions: ``--clients`` threads, each with its own citizens (one httpx client per citizen, a new
   connection per request, so the server's workers share the load as they would many citizens'), POST
   /bundles/birth/submit with the review page's form, each time with a new submission key and a new baby's
   name — a full bundle of applications every time. After ``--clients`` untimed warm-up posts,
   ``--submissions`` are timed: submissions/s, applications/s, p50/p95 of the POST (until its 303), errors.
3. Full journeys: ``--journeys`` times POST /check (the rules over the carried, re-verified facts) then POST
   /submit with the review it returned; journeys/s and p50/p95.
4. The database afterwards: every submission holds exactly the applications its review offered (nothing
   lost, nothing doubled).

``--proactive`` also runs benchmarks/proactive.py over 1M persons on DuckDB and Spark (minutes; Spark needs
Java); without it the figures last measured are quoted, marked as not re-measured.

Machine noise: a shared 2-core machine where the load generator, the server's workers and PostgreSQL all
compete for the same two cores; expect ±10–20 % between runs. Compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a file: the project's test helpers (a served Nara, its forms)
    sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")  # tests.apply.forms

from tests.apply import live_server  # noqa: E402 (imported after the path above)
from tests.apply.forms import form_values  # noqa: E402
from tests.apply.making import typed_fields  # noqa: E402

from nara import apply, registry  # noqa: E402
from nara.apply.models import ApplicationRow, EventRow, SubmissionRow  # noqa: E402
from nara.kernel.clock import today  # noqa: E402
from nara.kernel.db import make_engine  # noqa: E402

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/nara_bench_apply"
BIRTH = apply.bundles()["birth"]
RECORDED_PROACTIVE = """\
proactive run (복지멤버십) — recorded, not re-measured in this run (this machine, 2026-12-06;
benchmarks/proactive.py, two runs per engine: on D, then D + 1 month against the first run's snapshot):
  DuckDB        1M persons:  7.4 / 7.3 s   (136k persons/s), peak 0.7 GB
               10M persons: 48.8 / 40.4 s (205k–248k persons/s), peak 2.9–3.1 GB
  Spark local[2] 1M persons:  60 / 58 s    (17k persons/s), driver 0.5 GB + JVM 2.5 GB
               10M persons: 215 / 229 s   (44k–47k persons/s), driver 0.9–1.3 GB, JVM 2.6 GB
  run-2 notices: 4,502 at 1M, 43,905 at 10M; every engine gave the same new pairs.
  (--proactive re-measures 1M on DuckDB and Spark.)"""


@dataclass
class Applicant:
    """A signed-in citizen with her 행복출산 start and review forms."""

    citizen: live_server.Resident
    client: httpx.Client
    start: dict[str, str] = field(default_factory=dict)
    review: dict[str, str] = field(default_factory=dict)
    offered: int = 0  # applications one submission of her review makes


@dataclass
class Tally:
    """What the load threads saw: each submission's key → applications expected, latencies, errors."""

    expected: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, key: str, offered: int, milliseconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.expected[key] = offered
                self.latencies.append(milliseconds)
            else:
                self.errors.append(error)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def fresh_database(url: str, folder: Path) -> tuple[str, str | None]:
    """(Nara's database URL, the registries' URL or None for SQLite files): PostgreSQL emptied first."""
    if url == "sqlite":
        return f"sqlite:///{folder / 'nara.db'}", None
    if make_url(url).get_backend_name() != "postgresql":
        if Path(make_url(url).database or "").exists():
            raise SystemExit(f"{url} exists: give a new file, or just `sqlite` for one in a temporary folder")
        return url, None
    name = make_url(url).database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to empty the database {name!r}: its name must contain 'bench'")
    engine = make_engine(url)
    try:
        engine.connect().close()
    except OperationalError:
        engine.dispose()
        created = make_url(url)
        command = ["createdb", "-h", created.host or "127.0.0.1", "-p", str(created.port or 5432)]
        subprocess.run([*command, "-U", created.username or "postgres", name], check=True)
        engine = make_engine(url)
    with engine.begin() as connection:
        schemas = connection.scalars(
            text(
                "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'"
            )
        ).all()
        for schema in schemas:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url, url


def answers(name: str) -> dict[str, str]:
    """행복출산's questions: a boy born ten days ago, called ``name``."""
    born = (today() - timedelta(days=10)).isoformat()
    return {
        "newborn.name": name,
        "newborn.birth_date": born,
        "newborn.sex": "male",
        "newborn.childcare": "none",
    }


def offered(review: dict[str, str]) -> int:
    """Applications one submission makes: one per chosen service, or one per agency's part."""
    count = 0
    for key, value in review.items():
        if key.startswith("choose.") and value == "yes":
            spec = apply.form(key.removeprefix("choose."))
            assert spec is not None
            count += max(1, len(spec.parts))
    return count


def ready(applicant: Applicant, outbox: Path) -> None:
    """Signed in, consented, and at the review page of 행복출산."""
    live_server.sign_in(applicant.client, applicant.citizen, outbox)
    client = applicant.client
    page = client.get("/bundles/birth")
    if "/bundles/birth/consent" in page.text:
        page = client.post("/bundles/birth/consent", data=form_values(page.text, "/bundles/birth/consent"),
                           follow_redirects=True)  # fmt: skip
    applicant.start = form_values(page.text, "/bundles/birth/check")
    review = client.post("/bundles/birth/check", data=applicant.start | answers("준비"))
    if review.status_code != 200:
        raise SystemExit(
            f"{applicant.citizen.person_id}: check answered {review.status_code}: {review.text[:500]}"
        )
    applicant.review = form_values(review.text, "/bundles/birth/submit") | typed_fields(BIRTH.all_services)
    applicant.offered = offered(applicant.review)


def submit(applicant: Applicant, form: dict[str, str], tally: Tally, started: float) -> None:
    """POST /bundles/birth/submit; a 303 to 내 신청 현황 with the key is a submission received."""
    key = form["submission_key"]
    try:
        done = applicant.client.post("/bundles/birth/submit", data=form)
        ok = done.status_code == 303 and f"submitted={key}" in done.headers.get("location", "")
        error = None if ok else f"{done.status_code}: {' '.join(re.findall(r'<h1>(.*?)</h1>', done.text))}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"
    tally.record(key, applicant.offered, (time.perf_counter() - started) * 1000, error)


def one_submission(applicant: Applicant, tally: Tally) -> None:
    baby = f"아기{uuid.uuid4().hex[:8]}"  # a new baby each time: a full bundle, never "already applied"
    form = applicant.review | {"submission_key": uuid.uuid4().hex, "newborn.name": baby}
    submit(applicant, form, tally, time.perf_counter())


def one_journey(applicant: Applicant, tally: Tally) -> None:
    started, baby = time.perf_counter(), f"여정{uuid.uuid4().hex[:8]}"
    try:
        review = applicant.client.post("/bundles/birth/check", data=applicant.start | answers(baby))
    except httpx.HTTPError as failure:
        tally.record("", 0, 0, f"check: {type(failure).__name__}: {failure}")
        return
    if review.status_code != 200:
        tally.record(
            "", 0, 0, f"check: {review.status_code}: {' '.join(re.findall(r'<h1>(.*?)</h1>', review.text))}"
        )
        return
    form = form_values(review.text, "/bundles/birth/submit") | typed_fields(BIRTH.all_services)
    submit(applicant, form, tally, started)


def load(
    applicants: list[Applicant], clients: int, total: int, step: Callable[[Applicant, Tally], None]
) -> tuple[Tally, float]:
    """``total`` steps over ``clients`` threads, each with its own applicants; (tally, seconds)."""
    tally, taken = Tally(), itertools.count()

    def run(mine: list[Applicant]) -> None:
        for turn in itertools.count():
            if next(taken) >= total:  # shared by the threads: next() on a count is atomic under the GIL
                return
            step(mine[turn % len(mine)], tally)

    threads = [threading.Thread(target=run, args=(applicants[t::clients],)) for t in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


@dataclass
class Cpu:
    """CPU seconds used so far by the server's processes, PostgreSQL (the postmaster, its live backends and
    the ones it has reaped), and this load generator: per submission, what one costs the machine."""

    server: float
    database: float
    load: float
    workers: dict[int, float] = field(default_factory=dict)  # the server's processes, each

    def __sub__(self, earlier: Cpu) -> Cpu:
        workers = {pid: used - earlier.workers.get(pid, 0.0) for pid, used in self.workers.items()}
        return Cpu(self.server - earlier.server, self.database - earlier.database, self.load - earlier.load,
                   workers)  # fmt: skip


def _cpu_of(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU seconds of one process (all its threads), with ``reaped`` also those of its
    children that have ended; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    below = [int(c) for c in children.read_text().split()] if children.exists() else []
    return [pid, *(p for child in below for p in _tree(child))]


def cpu_now(server: live_server.Server, database_url: str) -> Cpu | None:
    """None where /proc is not there to read (not Linux). PostgreSQL counts all of the local server
    (backends come and go with the pools): a quiet machine keeps other databases' share small."""
    if server.process is None or not Path("/proc/self/stat").exists():
        return None
    database = 0.0
    if make_url(database_url).get_backend_name() == "postgresql":
        engine = make_engine(database_url)
        with engine.connect() as connection:
            backend = int(connection.scalar(text("SELECT pg_backend_pid()")) or 0)
            postmaster = _parent(backend)
            database = _cpu_of(postmaster, reaped=True) + sum(map(_cpu_of, _tree(postmaster)[1:]))
        engine.dispose()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = {pid: _cpu_of(pid) for pid in _tree(server.process.pid)}
    return Cpu(server=sum(workers.values()), database=database, load=usage.ru_utime + usage.ru_stime,
               workers=workers)  # fmt: skip


def check_workers(server: live_server.Server, expected: int) -> None:
    """Say so when fewer worker processes run than asked for (a worker that died at start-up is replaced
    only when the supervisor notices), with the server log's tail."""
    if server.process is None or not Path("/proc/self/stat").exists() or expected == 1:
        return
    workers = [pid for pid in _tree(server.process.pid) if b"spawn_main" in _cmdline(pid)]
    if len(workers) < expected:
        print(f"WARNING: {len(workers)} of {expected} server workers running; the log ends with:\n"
              f"{server.log_tail()}")  # fmt: skip


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def report_cpu(used: Cpu, submissions: int, applications: int) -> None:
    """CPU per submission, and what two cores would serve were the load generator on another machine."""
    server, database = used.server / submissions * 1000, used.database / submissions * 1000
    rate = 2000 / (server + database) if server + database else float("nan")
    print(
        f"  CPU per submission: server {server:.1f} ms, PostgreSQL {database:.1f} ms, load generator "
        f"{used.load / submissions * 1000:.1f} ms — two cores for server + database alone would take "
        f"≈ {rate:,.0f} submissions/s ({rate * applications / submissions:,.0f} applications/s; derived, "
        f"not measured)"
    )
    shares = sorted((used / used_total for used in used.workers.values() if used > 0.01), reverse=True) if (
        used_total := sum(used.workers.values())) else []  # fmt: skip
    print(f"  server processes' shares of its CPU: {' / '.join(f'{share:.0%}' for share in shares)}")


def report(title: str, tally: Tally, seconds: float) -> None:
    done = len(tally.expected)
    applications = sum(tally.expected.values())
    print(
        f"{title}: {done:,} in {seconds:.1f} s — {done / seconds:,.1f}/s, {applications / seconds:,.0f} "
        f"applications/s; p50 {statistics.median(tally.latencies):.0f} ms, "
        f"p95 {percentile(tally.latencies, 0.95):.0f} ms; errors {len(tally.errors)}"
    )
    for error in tally.errors[:5]:
        print(f"  error: {error}")


def verify(database_url: str, expected: dict[str, int]) -> None:
    """Every submission holds exactly the applications its review offered, each with its first event."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        counted = connection.execute(
            select(SubmissionRow.submission_key, func.count(ApplicationRow.id))
            .join(ApplicationRow, ApplicationRow.submission_id == SubmissionRow.id, isouter=True)
            .group_by(SubmissionRow.submission_key)
        ).all()
        events = connection.scalar(select(func.count()).select_from(EventRow)) or 0
    engine.dispose()
    found = {str(key): int(count) for key, count in counted}
    wrong = {key for key in expected if found.get(key) != expected[key]}
    extra = set(found) - set(expected)
    applications = sum(found.values())
    outcome = "all there exactly once"
    if wrong or extra or events != applications:
        outcome = f"MISMATCH: {len(wrong)} submissions with the wrong count, {len(extra)} unexpected"
    print(
        f"database afterwards: {len(found):,} submissions, {applications:,} applications, {events:,} events; "
        f"expected {len(expected):,} submissions, {sum(expected.values()):,} applications — {outcome}"
    )


def measure(args: argparse.Namespace, folder: Path) -> None:
    database_url, registry_url = fresh_database(args.database_url, folder)
    env = live_server.environment(folder, database_url, live_server.free_port(), registry_url)
    started = time.perf_counter()
    live_server.prepare(env, args.households)
    store = registry.RegistryStore(env["NARA_REGISTRY_URL"])
    citizens = live_server.mothers(store, max(args.citizens, args.clients), childless=False)
    store.dispose()
    print(f"Nara's database: {make_url(database_url).render_as_string(hide_password=True)}; "
          f"{args.households:,} households loaded in {time.perf_counter() - started:.1f} s")  # fmt: skip
    if len(citizens) < args.clients:
        raise SystemExit(f"only {len(citizens)} citizens for {args.clients} clients: load more households")
    server = live_server.Server(env, folder / "server.log", workers=args.workers)
    # A new connection for every request, as from many citizens' browsers: kept-alive connections stay with
    # the worker that accepted them, and 48 of them split unevenly between two workers halved the rate.
    fresh = httpx.Limits(max_keepalive_connections=0)
    applicants = [
        Applicant(c, httpx.Client(base_url=server.url, timeout=120, limits=fresh)) for c in citizens
    ]
    try:
        server.start(within=300)
        started = time.perf_counter()
        for applicant in applicants:
            ready(applicant, Path(env["NARA_OUTBOX_PATH"]))
        print(f"{len(applicants)} citizens signed in and at their review pages in "
              f"{time.perf_counter() - started:.1f} s; {args.workers} server workers, {args.clients} clients, "
              f"{statistics.mean(a.offered for a in applicants):.2f} applications per submission")  # fmt: skip
        warm, _ = load(applicants, args.clients, args.clients, one_submission)
        check_workers(server, args.workers)
        before = cpu_now(server, database_url)
        timed, seconds = load(applicants, args.clients, args.submissions, one_submission)
        after = cpu_now(server, database_url)
        report("POST /bundles/birth/submit", timed, seconds)
        if before and after and timed.expected:
            report_cpu(after - before, len(timed.expected), sum(timed.expected.values()))
        journeys, seconds = load(applicants, args.clients, args.journeys, one_journey)
        report("full journey (POST /check, then /submit)", journeys, seconds)
        verify(database_url, warm.expected | timed.expected | journeys.expected)
        if warm.errors or timed.errors or journeys.errors:
            print(f"warm-up errors: {len(warm.errors)}; the server's log ends with:\n{server.log_tail()}")
    except live_server.ServerFailed as failure:
        raise SystemExit(str(failure)) from failure
    finally:
        for applicant in applicants:
            applicant.client.close()
        server.stop()


def proactive(folder: Path) -> None:
    """benchmarks/proactive.py at 1M persons on DuckDB and Spark, its output as it comes."""
    command = [sys.executable, str(ROOT / "benchmarks" / "proactive.py"), "--persons", "1000000"]
    command += ["--engines", "duckdb,spark", "--folder", str(folder)]
    print(f"\nproactive run, re-measured: {' '.join(command[1:])}", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=positive, default=2, help="server processes (CI machine: 2 cores)")
    parser.add_argument("--clients", type=positive, default=16, help="concurrent load threads")
    parser.add_argument("--submissions", type=positive, default=2000, help="timed submissions")
    parser.add_argument("--journeys", type=positive, default=400, help="timed check + submit journeys")
    parser.add_argument(
        "--citizens", type=positive, default=48, help="signed-in citizens (at least --clients)"
    )
    parser.add_argument("--households", type=positive, default=3000, help="households in the registries")
    parser.add_argument(
        "--database-url", default=DEFAULT_DATABASE, help="PostgreSQL (emptied) or sqlite:///…"
    )
    parser.add_argument("--proactive", action="store_true", help="also re-measure the proactive run at 1M")
    parser.add_argument("--proactive-folder", type=Path, default=Path("/tmp/nara-proactive-bench"))
    args = parser.parse_args(argv)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; figures are noisy (a shared "
        f"2-core machine running the load, the server and the database: ±10–20 % between runs); "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    with tempfile.TemporaryDirectory(prefix="nara-bench-apply-") as name:
        measure(args, Path(name))
    print(f"load average {os.getloadavg()[0]:.1f} at the end\n")
    print(RECORDED_PROACTIVE)
    if args.proactive:
        proactive(args.proactive_folder)


if __name__ == "__main__":
    main()
