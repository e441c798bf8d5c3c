"""Access-log figures (printed, never asserted): append throughput and `verify` time.

    .venv/bin/python benchmarks/audit.py [--records 1000000] [--database-url URL]

Appends go through `audit.record_access` in transactions of 1,000 (as a busy exchange would commit them),
into a fresh SQLite file unless a database URL is given. Machine noise: ±10-20 % between runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from nara import audit
from nara.app import METADATA
from nara.kernel.db import make_engine, session_factory, transaction


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'audit.db'}"
        engine = make_engine(url)
        METADATA.create_all(engine)
        sessions = session_factory(engine)
        key = audit.load_or_create_key(Path(folder) / "audit.pem")
        event = audit.AccessEvent(
            "보건복지부 시스템",
            "SYN1",
            ("household.income_recognised_monthly",),
            "자격 확인",
            "기초연금법 제12조",
        )
        started = time.perf_counter()
        for batch in range(0, args.records, 1000):
            with transaction(sessions) as session:
                for _ in range(min(1000, args.records - batch)):
                    audit.record_access(session, event)
        appended = time.perf_counter() - started
        with transaction(sessions) as session:
            audit.write_checkpoint(session, key)
        started = time.perf_counter()
        with sessions() as session:
            report = audit.verify_log(session, key)
        verified = time.perf_counter() - started
        print(f"access log on {engine.url.get_backend_name()}: {args.records:,} appends in {appended:.1f} s "
              f"({args.records / appended:,.0f} records/s); verify {verified:.1f} s "
              f"({report.records:,} records, ok: {report.ok})")  # fmt: skip


if __name__ == "__main__":
    main()
