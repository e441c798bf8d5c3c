"""The personal-data access log (개인정보 접속기록): append-only, hash-chained, with signed checkpoints."""

from nara.audit.security import SecurityRecord, record_security_event, security_events
from nara.audit.services import (
    AccessEntry,
    AccessEvent,
    VerifyReport,
    entry_at,
    history,
    latest,
    record_access,
    record_accesses,
    verify_log,
    write_checkpoint,
)
from nara.kernel.signing import SigningKey, load_or_create_key

__all__ = [
    "AccessEntry",
    "AccessEvent",
    "SecurityRecord",
    "SigningKey",
    "VerifyReport",
    "entry_at",
    "history",
    "latest",
    "load_or_create_key",
    "record_access",
    "record_accesses",
    "record_security_event",
    "security_events",
    "verify_log",
    "write_checkpoint",
]
