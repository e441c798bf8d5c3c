"""Errors of the proactive domain: each says in plain Korean what is wrong and what to do."""

from __future__ import annotations

from nara.kernel.errors import InvalidInputError, NaraError


class ProactiveInvalid(InvalidInputError):
    """A run asked for something that cannot be done (an unknown engine, a file without the columns)."""

    code = "proactive.invalid"
    title = "복지멤버십 확인을 시작할 수 없습니다."


class SnapshotMissing(NaraError):
    """The last finished run's snapshot is gone: without it every benefit would look new again."""

    code = "proactive.snapshot_missing"
    status = 409
    title = "지난 확인 결과 파일이 없습니다."
