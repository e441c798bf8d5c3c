"""One-time codes (인증번호) sent to a verified channel, and the channels that carry them.

A code is six digits, valid for five minutes, stored only as a keyed hash. Five wrong tries lock it (a
new code must be asked for), and a phone can be sent at most five codes in fifteen minutes — so guessing
a code by brute force takes, on average, far longer than a code lives.

Delivery is behind :class:`Channel`: a real SMS gateway implements ``send``; in development the
:class:`DevelopmentOutbox` appends each message to a JSON-lines file that a developer (or a test) reads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nara.identity.errors import CodeInvalid, CodeLocked, TooManyCodes
from nara.identity.models import OneTimeCode
from nara.kernel.clock import utcnow

CODE_LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5
MAX_CODES_PER_WINDOW = 5
CODE_WINDOW = timedelta(minutes=15)


class Channel(Protocol):
    """Somewhere a code can be sent: an SMS gateway, an app push, an e-mail service."""

    def send(self, phone: str, message: str) -> None: ...


@dataclass(frozen=True)
class DevelopmentOutbox:
    """개발용 발송함: messages are written to a file instead of being sent. Never use in production."""

    path: Path

    def send(self, phone: str, message: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": phone, "message": message, "at": utcnow().isoformat()}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")

    def messages_to(self, phone: str) -> list[str]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [entry["message"] for entry in map(json.loads, lines) if entry["to"] == phone]


def _hash(secret: bytes, code_id: str, code: str) -> str:
    return hmac.new(secret, f"{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(session: Session, channel: Channel, secret: bytes, *, phone: str, purpose: str) -> str:
    """Send a new code to ``phone`` for ``purpose`` (sign_in | enrol); returns the code's id."""
    since = utcnow() - CODE_WINDOW
    recent = session.scalar(
        select(func.count()).where(OneTimeCode.phone == phone, OneTimeCode.created_at >= since)
    )
    if (recent or 0) >= MAX_CODES_PER_WINDOW:
        raise TooManyCodes()
    code_id = secrets.token_urlsafe(16)
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = utcnow()
    session.add(
        OneTimeCode(
            id=code_id,
            phone=phone,
            purpose=purpose,
            code_hash=_hash(secret, code_id, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            failed_attempts=0,
        )
    )
    session.flush()
    channel.send(phone, f"[나라] 인증번호 {code} (5분 안에 입력해 주세요. 다른 사람에게 알려 주지 마세요.)")
    return code_id


def check_code(session: Session, secret: bytes, *, code_id: str, code: str, purpose: str) -> str:
    """The phone the code was sent to, if ``code`` is right; the code is then used up.

    Wrong, expired or used codes raise :class:`CodeInvalid`; the fifth wrong try locks the code
    (:class:`CodeLocked`). The caller must commit even when this raises, so a wrong try counts."""
    row = session.get(OneTimeCode, code_id)
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= utcnow():
        raise CodeInvalid()
    if row.failed_attempts >= MAX_ATTEMPTS:
        raise CodeLocked()
    entered = "".join(ch for ch in code if ch.isdigit())[:6]
    if not hmac.compare_digest(row.code_hash, _hash(secret, code_id, entered)):
        row.failed_attempts += 1
        session.flush()
        if row.failed_attempts >= MAX_ATTEMPTS:
            raise CodeLocked()
        raise CodeInvalid(
            f"인증번호가 맞지 않습니다. ({MAX_ATTEMPTS - row.failed_attempts}번 더 시도할 수 있어요)"
        )
    row.used_at = utcnow()
    session.flush()
    return row.phone
