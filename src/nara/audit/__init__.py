"""The personal-data access log (개인정보 접속기록): append-only, hash-chained, with signed checkpoints."""

from nara.audit.services import (
    AccessEvent,
    VerifyReport,
    record_access,
    record_accesses,
    verify_log,
    write_checkpoint,
)
from nara.kernel.signing import SigningKey, load_or_create_key

__all__ = [
    "AccessEvent",
    "SigningKey",
    "VerifyReport",
    "load_or_create_key",
    "record_access",
    "record_accesses",
    "verify_log",
    "write_checkpoint",
]
