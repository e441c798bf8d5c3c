"""The 전자 사서함: notices sent once per dedupe key (one by one or in bulk), read receipts, privacy."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import make_notice_draft, make_person_id

from nara import notices
from nara.notices.models import NoticeRow


def draft(person_id: str, **changes: Any) -> notices.NoticeDraft:
    return make_notice_draft(person_id=person_id, **changes)


def stored(session: Session, person_id: str) -> int:
    return int(session.scalar(select(func.count()).where(NoticeRow.person_id == person_id)) or 0)


def test_the_public_contract_is_exported() -> None:
    assert notices.KINDS == ("application_status", "decision", "supplement_request", "payment", "proactive")
    assert set(notices.KINDS) == set(notices.KIND_LABELS)
    for name in ("NoticeDraft", "Notice", "send", "send_many", "inbox", "unread_count", "read"):
        assert name in notices.__all__
    assert "notices_with_key" in notices.__all__


def test_a_notice_arrives_unread_in_the_inbox(session: Session) -> None:
    citizen = make_person_id()
    sent = notices.send(session, draft(citizen))
    assert sent.id.startswith("N-")
    assert (sent.person_id, sent.kind, sent.read_at) == (citizen, "decision", None)
    assert sent.created_at.tzinfo is not None
    assert notices.inbox(session, citizen) == [sent]
    assert notices.unread_count(session, citizen) == 1
    assert notices.inbox(session, make_person_id()) == []


def test_send_is_idempotent_by_dedupe_key(session: Session) -> None:
    citizen = make_person_id()
    first = notices.send(session, draft(citizen, dedupe_key="apply:APP-1:approved"))
    again = notices.send(session, draft(citizen, dedupe_key="apply:APP-1:approved", title="다른 제목"))
    assert again == first
    assert stored(session, citizen) == 1
    other = notices.send(session, draft(make_person_id(), dedupe_key="apply:APP-1:approved"))
    assert other.id != first.id  # the key is per citizen
    notices.send(session, draft(citizen))
    notices.send(session, draft(citizen))  # no key: every send is a new notice
    assert stored(session, citizen) == 3


def test_inbox_is_newest_first_and_pages(session: Session) -> None:
    citizen = make_person_id()
    sent = [notices.send(session, draft(citizen, title=f"알림 {n}")) for n in range(5)]
    assert [n.title for n in notices.inbox(session, citizen)] == [f"알림 {n}" for n in range(4, -1, -1)]
    assert [n.id for n in notices.inbox(session, citizen, limit=2, offset=1)] == [sent[3].id, sent[2].id]
    notices.read(session, citizen, sent[4].id)
    assert [n.id for n in notices.inbox(session, citizen, unread_only=True)] == [s.id for s in sent[3::-1]]
    assert notices.count(session, citizen) == 5
    assert notices.unread_count(session, citizen) == 4


def test_the_read_receipt_is_the_first_opening(session: Session) -> None:
    citizen = make_person_id()
    sent = notices.send(session, draft(citizen))
    opened = notices.read(session, citizen, sent.id)
    assert opened.read_at is not None
    assert opened.read_at >= sent.created_at
    assert notices.read(session, citizen, sent.id).read_at == opened.read_at
    assert notices.unread_count(session, citizen) == 0


def test_nobody_reads_or_sees_another_citizens_notice(session: Session) -> None:
    owner, other = make_person_id(), make_person_id()
    sent = notices.send(session, draft(owner))
    for who, notice_id in ((other, sent.id), (owner, "N-doesnotexist")):
        with pytest.raises(notices.NoticeNotFound) as missing:
            notices.read(session, who, notice_id)
        assert (missing.value.code, missing.value.status) == ("notices.not_found", 404)
    assert notices.inbox(session, other) == []
    assert [n.read_at for n in notices.inbox(session, owner)] == [None]  # the attempts left no receipt
    assert notices.notices_with_key(session, other, "") == []


def test_notices_with_key_match_a_prefix_literally(session: Session) -> None:
    citizen = make_person_id()
    notices.send(session, draft(citizen, kind="proactive", dedupe_key="proactive:2025-01:child"))
    notices.send(session, draft(citizen, kind="proactive", dedupe_key="proactive:2025-02:child"))
    notices.send(session, draft(citizen, dedupe_key="apply:APP-1"))
    notices.send(session, draft(citizen, dedupe_key="pro_active%"))
    assert len(notices.notices_with_key(session, citizen, "proactive:")) == 2
    assert len(notices.notices_with_key(session, citizen, "proactive:2025-02")) == 1
    assert [n.title for n in notices.notices_with_key(session, citizen, "pro_")] == [draft(citizen).title]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "spam"}, "kind"),
        ({"title": "  "}, "title"),
        ({"title": "가" * 201}, "title"),
        ({"link": "https://evil.example/"}, "link"),
        ({"link": "//evil.example/"}, "link"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"person_id": ""}, "person_id"),
    ],
)
def test_a_bad_draft_is_refused_with_the_field(session: Session, change: dict[str, Any], field: str) -> None:
    citizen = make_person_id()
    with pytest.raises(notices.NoticeInvalid) as invalid:
        notices.send(session, replace(draft(citizen), **change))
    assert (invalid.value.code, invalid.value.status, invalid.value.fields["field"]) == (
        "notices.invalid",
        422,
        field,
    )
    with pytest.raises(notices.NoticeInvalid):
        notices.send_many(session, [draft(citizen), replace(draft(citizen), **change)])


def test_send_many_writes_each_key_once_and_counts_only_new_ones(session: Session) -> None:
    citizens = [make_person_id() for _ in range(2500)]
    batch = [
        draft(
            c, kind="proactive", title="첫만남이용권을 받을 수 있어요", dedupe_key="proactive:2025-06:first"
        )
        for c in citizens
    ]
    assert notices.send_many(session, batch) == 2500
    assert notices.send_many(session, batch) == 0  # the same batch again writes nothing
    later = citizens[:10] + [make_person_id() for _ in range(5)]
    again = [draft(c, kind="proactive", dedupe_key="proactive:2025-06:first") for c in later]
    assert notices.send_many(session, again) == 5
    assert notices.send_many(session, []) == 0
    one = notices.notices_with_key(session, citizens[0], "proactive:")
    assert [n.title for n in one] == ["첫만남이용권을 받을 수 있어요"]
    assert notices.send(session, batch[0]) == one[0]  # send agrees with send_many on the key


def test_send_many_skips_duplicates_inside_one_batch(session: Session) -> None:
    citizen = make_person_id()
    twice = [draft(citizen, dedupe_key="proactive:x"), draft(citizen, dedupe_key="proactive:x")]
    assert notices.send_many(session, iter(twice)) == 1
    assert stored(session, citizen) == 1
