"""The personal-data access log (개인정보 접속기록): append-only, hash-chained, with signed checkpoints."""

from nara.audit.services import (
    AccessEntry,
    AccessEvent,
    VerifyReport,
    entry_at,
    history,
    record_access,
    record_accesses,
    verify_log,
    write_checkpoint,
)
from nara.kernel.signing import SigningKey, load_or_create_key

__all__ = [
    "AccessEntry",
    "AccessEvent",
    "SigningKey",
    "VerifyReport",
    "entry_at",
    "history",
    "load_or_create_key",
    "record_access",
    "record_accesses",
    "verify_log",
    "write_checkpoint",
]
