"""전자 사서함 figures (printed, never asserted).

    .venv/bin/python benchmarks/notices.py [--notices 200000] [--choosers 0.05] [--database-url URL]

In a fresh temporary SQLite file (its tables made by the Alembic migrations) unless ``--database-url``
names another database (PostgreSQL: use a database of your own; the notices tables are emptied first):

1. ``notices.send_many`` of ``--notices`` "proactive" drafts, one per synthetic person, in one transaction;
   a share ``--choosers`` of the people chose SMS, so their deliveries are queued in the same run. Printed:
   notices/s written, and deliveries queued.
2. The same batch again (idempotent: nothing new). Printed: notices/s checked, and the count of new ones (0).
3. ``deliver_pending`` over the queued deliveries into a file outbox (batches of 500). Printed: deliveries/s.
4. ``send`` one by one (500 notices with dedupe keys). Printed: notices/s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from nara import notices
from nara.kernel.db import make_engine, session_factory, transaction
from nara.notices.models import ChannelChoiceRow, DeliveryRow, NoticeRow
from nara.schema import upgrade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notices", type=int, default=200_000)
    parser.add_argument("--choosers", type=float, default=0.05)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        sessions = session_factory(make_engine(url))
        with transaction(sessions) as session:
            for table in (DeliveryRow, NoticeRow, ChannelChoiceRow):
                session.execute(delete(table))
        people = [f"BENCH{n}" for n in range(args.notices)]
        with transaction(sessions) as session:
            for person in people[: int(len(people) * args.choosers)]:
                notices.choose_channels(session, person, sms_phone="010-1234-5678", email=None)
        drafts = [
            notices.NoticeDraft(
                person_id=person,
                kind="proactive",
                title="기초연금을 받을 수 있어요",
                body="복지멤버십으로 확인한 결과입니다. 주소지 행정복지센터나 나라 포털에서 신청하세요.",
                sender="보건복지부",
                link="/guide/me",
                dedupe_key="proactive:2025-07:basic-pension",
            )
            for person in people
        ]
        started = time.perf_counter()
        with transaction(sessions) as session:
            new = notices.send_many(session, drafts)
        took = time.perf_counter() - started
        print(f"send_many: {new:,} new notices in {took:.2f} s = {new / took:,.0f}/s")
        started = time.perf_counter()
        with transaction(sessions) as session:
            again = notices.send_many(session, drafts)
        took = time.perf_counter() - started
        print(f"send_many again: {again} new, {len(drafts) / took:,.0f} drafts/s checked")
        channel = notices.SmsChannel(Path(folder) / "sms.jsonl")
        started, sent = time.perf_counter(), 0
        while True:
            with transaction(sessions) as session:
                batch = notices.deliver_pending(session, [channel])
            if not batch:
                break
            sent += batch
        took = time.perf_counter() - started
        print(f"deliver_pending: {sent:,} deliveries in {took:.2f} s = {sent / max(took, 1e-9):,.0f}/s")
        started = time.perf_counter()
        with transaction(sessions) as session:
            for n in range(500):
                notices.send(session, drafts[n].__class__(**{**drafts[n].__dict__, "dedupe_key": f"one:{n}"}))
        took = time.perf_counter() - started
        print(f"send one by one: {500 / took:,.0f}/s")


if __name__ == "__main__":
    main()
