"""Sessions end on idle and absolute timeouts and on sign-out everywhere; codes are throttled and single-use."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from nara import identity
from nara.identity.models import OneTimeCode, SignInSession
from nara.kernel.clock import utcnow

SECRET = b"k" * 32


def make_account(session: Session, phone: str = "010-5555-0001") -> identity.Account:
    return identity.create_official_account(session, display_name="시험 공무원", phone=phone)


def test_a_session_ends_after_idle_or_absolute_timeout(session: Session) -> None:
    account = make_account(session)
    cookie, row = identity.start_session(
        session, SECRET, account_id=account.id, site="nara-portal", methods=["otp"]
    )
    assert identity.current_session(session, SECRET, cookie, "nara-portal") is not None
    assert identity.current_session(session, SECRET, cookie, "nara-office") is None  # another site's cookie
    assert identity.current_session(session, SECRET, cookie + "x", "nara-portal") is None
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    assert identity.current_session(session, SECRET, cookie, "nara-portal") is None
    cookie, row = identity.start_session(
        session, SECRET, account_id=account.id, site="nara-portal", methods=["otp"]
    )
    row.created_at = utcnow() - timedelta(hours=12, minutes=1)
    assert identity.current_session(session, SECRET, cookie, "nara-portal") is None


def test_the_database_holds_no_usable_cookie(session: Session) -> None:
    account = make_account(session, "010-5555-0002")
    cookie, row = identity.start_session(session, SECRET, account_id=account.id, site="provider", methods=[])
    assert cookie not in row.id
    assert identity.current_session(session, SECRET, row.id, "provider") is None


def test_sign_out_everywhere_ends_every_session(session: Session) -> None:
    account = make_account(session, "010-5555-0003")
    cookies = [
        identity.start_session(session, SECRET, account_id=account.id, site=site, methods=[])[0]
        for site in ("provider", "nara-portal")
    ]
    identity.sign_out_everywhere(session, account.id)
    assert identity.current_session(session, SECRET, cookies[0], "provider") is None
    assert identity.current_session(session, SECRET, cookies[1], "nara-portal") is None
    assert all(row.ended_at for row in session.query(SignInSession).filter_by(account_id=account.id))


def test_codes_are_single_use_expire_and_are_throttled(session: Session, tmp_path: Path) -> None:
    outbox = identity.DevelopmentOutbox(tmp_path / "sms.jsonl")
    phone = "010-5555-0004"
    code_id = identity.send_code(session, outbox, SECRET, phone=phone, purpose="sign_in")
    code = outbox.messages_to(phone)[-1].split("인증번호 ")[1][:6]
    with pytest.raises(identity.CodeInvalid):
        identity.check_code(session, SECRET, code_id=code_id, code=code, purpose="enrol")  # another purpose
    assert identity.check_code(session, SECRET, code_id=code_id, code=code, purpose="sign_in") == phone
    with pytest.raises(identity.CodeInvalid):
        identity.check_code(session, SECRET, code_id=code_id, code=code, purpose="sign_in")  # used up
    late = identity.send_code(session, outbox, SECRET, phone=phone, purpose="sign_in")
    session.get(OneTimeCode, late).expires_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
    with pytest.raises(identity.CodeInvalid):
        identity.check_code(session, SECRET, code_id=late, code="000000", purpose="sign_in")
    for _ in range(3):
        identity.send_code(session, outbox, SECRET, phone=phone, purpose="sign_in")
    with pytest.raises(identity.TooManyCodes):
        identity.send_code(session, outbox, SECRET, phone=phone, purpose="sign_in")
    assert "[나라] 인증번호" in outbox.messages_to(phone)[0]
