"""Extra channels: the citizen's choice, the outbox written with the notice, at-least-once delivery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import make_notice_draft, make_person_id

from nara import notices
from nara.notices.channels import MAX_ATTEMPTS
from nara.notices.models import DeliveryRow


def draft(person_id: str, key: str | None = None) -> notices.NoticeDraft:
    """A supplement request whose body must never leave the 전자 사서함."""
    return make_notice_draft(
        person_id=person_id,
        kind="supplement_request",
        title="보완 서류를 내 주세요",
        body="가족관계증명서가 필요합니다. 비밀 내용은 문자에 적지 않습니다.",
        sender="종로구청",
        link=None,
        dedupe_key=key,
    )


class Broken:
    name = "sms"

    def deliver(self, delivery: notices.Delivery) -> None:
        raise ConnectionError("SMS gateway unreachable")


def outboxes(tmp_path: Path) -> tuple[notices.SmsChannel, notices.EmailChannel]:
    return (
        notices.SmsChannel(tmp_path / "sms.jsonl", "https://nara.example"),
        notices.EmailChannel(tmp_path / "email.jsonl", "https://nara.example"),
    )


def pending(session: Session, notice_id: str) -> list[DeliveryRow]:
    query = select(DeliveryRow).where(DeliveryRow.notice_id == notice_id).order_by(DeliveryRow.channel)
    return list(session.scalars(query))


def test_without_a_choice_the_inbox_alone_receives(session: Session, tmp_path: Path) -> None:
    citizen = make_person_id()
    sent = notices.send(session, draft(citizen))
    assert pending(session, sent.id) == []
    assert notices.channel_choice(session, citizen) == notices.ChannelChoice(citizen, None, None, None)


def test_chosen_channels_get_a_simulated_message_and_are_marked_sent(
    session: Session, tmp_path: Path
) -> None:
    sms_only, both = make_person_id(), make_person_id()
    notices.choose_channels(session, sms_only, sms_phone="010 1234 5678", email=None)
    choice = notices.choose_channels(session, both, sms_phone="01098765432", email=" hong@example.com ")
    assert (choice.sms_phone, choice.email) == ("010-9876-5432", "hong@example.com")
    first = notices.send(session, draft(sms_only))
    second = notices.send(session, draft(both))
    assert [row.channel for row in pending(session, first.id)] == ["sms"]
    assert [(row.channel, row.status) for row in pending(session, second.id)] == [
        ("email", "pending"),
        ("sms", "pending"),
    ]
    sms, email = outboxes(tmp_path)
    assert notices.deliver_pending(session, [sms, email]) >= 3
    assert notices.deliver_pending(session, [sms, email]) == 0  # nothing left: sent once
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    mine = [line for line in lines if line["notice_id"] in (first.id, second.id)]
    assert sorted(line["to"] for line in mine) == ["010-1234-5678", "010-9876-5432"]
    assert all(line["simulated"] is True and line["channel"] == "sms" for line in mine)
    assert f"https://nara.example/me/notices/{first.id}" in mine[0]["message"] + mine[1]["message"]
    assert all("비밀" not in line["message"] for line in mine)  # the body stays behind the sign-in
    mails = [m for m in email.sent() if m["notice_id"] == second.id]
    assert [m["to"] for m in mails] == ["hong@example.com"]
    assert mails[0]["message"].startswith("제목: [나라 전자 사서함] 보완 서류를 내 주세요")
    assert [d.status for d in notices.deliveries_of(session, both, second.id)] == ["sent", "sent"]
    assert notices.deliveries_of(session, sms_only, second.id) == []  # not theirs


def test_a_failing_channel_leaves_the_row_pending_with_the_error(session: Session, tmp_path: Path) -> None:
    citizen = make_person_id()
    notices.choose_channels(session, citizen, sms_phone="010-2222-3333", email="kim@example.org")
    sent = notices.send(session, draft(citizen))
    _, email = outboxes(tmp_path)
    notices.deliver_pending(session, [Broken(), email])
    sms_row = next(row for row in pending(session, sent.id) if row.channel == "sms")
    assert (sms_row.status, sms_row.attempts) == ("pending", 1)
    assert sms_row.last_error == "ConnectionError: SMS gateway unreachable"
    assert next(row for row in pending(session, sent.id) if row.channel == "email").status == "sent"
    notices.deliver_pending(session, [Broken()])
    assert sms_row.attempts == 2
    sms, _ = outboxes(tmp_path)
    notices.deliver_pending(session, [sms])  # the gateway is back: at least once
    assert (sms_row.status, sms_row.last_error) == ("sent", None)
    assert sms_row.sent_at is not None


def test_a_channel_that_keeps_failing_is_given_up_on(session: Session) -> None:
    citizen = make_person_id()
    notices.choose_channels(session, citizen, sms_phone="010-4444-5555", email=None)
    sent = notices.send(session, draft(citizen))
    for _ in range(MAX_ATTEMPTS):
        notices.deliver_pending(session, [Broken()])
    (row,) = pending(session, sent.id)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)


def test_a_new_choice_applies_to_later_notices_only(session: Session) -> None:
    citizen = make_person_id()
    notices.choose_channels(session, citizen, sms_phone="010-1111-2222", email=None)
    before = notices.send(session, draft(citizen))
    notices.choose_channels(session, citizen, sms_phone=None, email="lee@example.com")
    after = notices.send(session, draft(citizen))
    assert [row.channel for row in pending(session, before.id)] == ["sms"]
    assert [(row.channel, row.address) for row in pending(session, after.id)] == [
        ("email", "lee@example.com")
    ]


def test_send_many_queues_deliveries_for_new_notices_only(session: Session) -> None:
    chooser, silent = make_person_id(), make_person_id()
    notices.choose_channels(session, chooser, sms_phone="010-5555-6666", email=None)
    batch = [draft(chooser, key="proactive:1"), draft(silent, key="proactive:1")]
    assert notices.send_many(session, batch) == 2
    assert notices.send_many(session, batch) == 0
    (mine,) = notices.notices_with_key(session, chooser, "proactive:")
    (theirs,) = notices.notices_with_key(session, silent, "proactive:")
    assert [row.address for row in pending(session, mine.id)] == ["010-5555-6666"]
    assert pending(session, theirs.id) == []


@pytest.mark.parametrize(
    ("phone", "email", "field"),
    [("02-123-4567", None, "sms_phone"), (None, "not-an-address", "email"), (None, "a@b", "email")],
)
def test_bad_addresses_are_refused(
    session: Session, phone: str | None, email: str | None, field: str
) -> None:
    with pytest.raises(notices.NoticeInvalid) as invalid:
        notices.choose_channels(session, make_person_id(), sms_phone=phone, email=email)
    assert invalid.value.fields["field"] == field
