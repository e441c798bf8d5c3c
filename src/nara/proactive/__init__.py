"""복지멤버십 (proactive membership): for every citizen with standing consent, every service is checked
in batch, compared with the last run, and each newly eligible service is notified once."""

from nara.proactive.errors import ProactiveInvalid, SnapshotMissing
from nara.proactive.job import ENGINES, JobReport, find_new
from nara.proactive.messages import Message, message
from nara.proactive.services import (
    DEDUPE_PREFIX,
    FileSource,
    RegistrySource,
    Run,
    Source,
    do_run,
    drafts,
    last_finished,
    runs,
)

__all__ = [
    "DEDUPE_PREFIX",
    "ENGINES",
    "FileSource",
    "JobReport",
    "Message",
    "ProactiveInvalid",
    "RegistrySource",
    "Run",
    "SnapshotMissing",
    "Source",
    "do_run",
    "drafts",
    "find_new",
    "last_finished",
    "message",
    "runs",
]
