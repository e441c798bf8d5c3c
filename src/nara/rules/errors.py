"""Errors of the rules domain."""

from __future__ import annotations

from nara.kernel.errors import InvalidInputError, NaraError


class SituationInvalid(InvalidInputError):
    """A situation that cannot be evaluated; ``field`` names what is wrong."""

    code = "rules.situation_invalid"
    title = "상황 정보에 잘못된 값이 있습니다."


class RuleFileInvalid(NaraError):
    """A rule or parameter file that does not make sense; names the file and the line."""

    code = "rules.rule_file_invalid"
    status = 500
    title = "자격 규칙 파일에 오류가 있습니다."
