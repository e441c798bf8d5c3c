"""Errors of the wallet's formats: one class per format, one stable code per reason.

A verifier shows ``message_ko`` to people and logs ``code`` and ``message`` (English, for developers).
The codes are public API: the verifier portal and the OpenID4VP endpoints map them, never the text.
"""

from __future__ import annotations

from typing import ClassVar

from nara.kernel.errors import NaraError

# Korean text per code: what went wrong, in words a citizen or a clerk at a counter understands.
SDJWT_MESSAGES_KO: dict[str, str] = {
    "sdjwt.malformed": "증명서의 형식이 올바르지 않습니다. 전자지갑에서 다시 제출해 주세요.",
    "sdjwt.signature": "발급기관의 서명을 확인할 수 없습니다. 위조되었거나 다른 기관이 발급한 증명서입니다.",
    "sdjwt.unknown_key": "발급기관의 공개키를 찾을 수 없습니다. 신뢰하는 기관이 발급한 증명서인지 확인해 주세요.",
    "sdjwt.alg_not_allowed": "허용하지 않는 서명 방식입니다. 발급기관에 문의해 주세요.",
    "sdjwt.typ": "이 창구에서 받는 증명서 종류가 아닙니다.",
    "sdjwt.sd_alg": "지원하지 않는 해시 방식으로 만든 증명서입니다.",
    "sdjwt.expired": "유효기간이 지난 증명서입니다. 전자지갑에서 새로 발급받아 주세요.",
    "sdjwt.not_yet_valid": "아직 효력이 생기지 않은 증명서입니다. 기기의 시각이 맞는지 확인해 주세요.",
    "sdjwt.disclosure_malformed": "공개한 항목 중 형식이 올바르지 않은 것이 있습니다.",
    "sdjwt.disclosure_unreferenced": "증명서에 없는 항목이 함께 제출되었습니다.",
    "sdjwt.duplicate_disclosure": "같은 항목이 두 번 제출되었습니다.",
    "sdjwt.duplicate_digest": "증명서 안에 같은 항목의 요약값이 두 번 들어 있습니다. 발급기관에 문의해 주세요.",
    "sdjwt.reserved_name": "공개한 항목의 이름이 허용되지 않는 이름입니다.",
    "sdjwt.claim_collision": "공개한 항목이 증명서에 이미 있는 항목과 이름이 겹칩니다.",
    "sdjwt.kb_missing": "소지자 확인(기기 서명)이 없습니다. 전자지갑에서 다시 제출해 주세요.",
    "sdjwt.kb_key": "증명서에 소지자의 기기 키가 없어 소지자를 확인할 수 없습니다.",
    "sdjwt.kb_typ": "소지자 확인(기기 서명)의 형식이 올바르지 않습니다.",
    "sdjwt.kb_signature": "소지자 확인(기기 서명)이 맞지 않습니다. 증명서를 받은 기기에서 제출해 주세요.",
    "sdjwt.kb_nonce": "이 요청을 위한 제출이 아닙니다. 화면의 QR 코드를 다시 읽어 제출해 주세요.",
    "sdjwt.kb_audience": "다른 기관에 내려고 만든 제출입니다. 이 기관의 요청으로 다시 제출해 주세요.",
    "sdjwt.kb_iat": "제출한 지 너무 오래되었거나 기기의 시각이 맞지 않습니다. 다시 제출해 주세요.",
    "sdjwt.sd_hash": "제출한 항목이 기기 서명과 맞지 않습니다. 항목이 빠졌거나 바뀌었습니다.",
}

STATUS_LIST_MESSAGES_KO: dict[str, str] = {
    "status_list.malformed": "증명서 상태 목록의 형식이 올바르지 않습니다.",
    "status_list.signature": "증명서 상태 목록의 서명을 확인할 수 없습니다.",
    "status_list.typ": "증명서 상태 목록이 아닌 토큰입니다.",
    "status_list.sub": "요청한 주소의 상태 목록이 아닙니다.",
    "status_list.expired": "증명서 상태 목록의 유효기간이 지났습니다. 잠시 뒤 다시 시도해 주세요.",
    "status_list.index": "상태 목록에 없는 번호입니다.",
    "status_list.fetch": "증명서 상태 목록을 가져오지 못했습니다. 잠시 뒤 다시 시도해 주세요.",
}


class _FormatInvalid(NaraError):
    """A credential or token that must not be used; ``code`` names the one check that failed."""

    status = 400
    messages_ko: ClassVar[dict[str, str]] = {}

    def __init__(self, code: str, message: str, message_ko: str | None = None) -> None:
        self.message = message
        self.message_ko = message_ko or self.messages_ko.get(code, self.title)
        super().__init__(self.message_ko)
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class SdJwtInvalid(_FormatInvalid):
    """An SD-JWT (or its presentation) that does not verify under RFC 9901."""

    code = "sdjwt.invalid"
    title = "증명서를 확인할 수 없습니다."
    messages_ko = SDJWT_MESSAGES_KO


class StatusListInvalid(_FormatInvalid):
    """A Token Status List (or its token) that does not verify, or an index it does not hold."""

    code = "status_list.invalid"
    title = "증명서 상태를 확인할 수 없습니다."
    messages_ko = STATUS_LIST_MESSAGES_KO
