"""Reading the national catalog's open API (행정안전부 "대한민국 공공서비스 정보", gov24 v3).

Accepts either a JSON array of rows already merged by 서비스ID (English or Korean keys), or the pages
of the three endpoints (serviceList, serviceDetail, supportConditions), which are merged here.
Turning a row into a :class:`ServiceCreate` never raises anything but :class:`RowRejected`.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nara.catalog.regions import region_of_agency
from nara.catalog.schemas import ApplyInfo, ServiceCreate
from nara.catalog.taxonomy import AgencyType, BenefitForm, LifeEvent, ServiceField, UserType

# The API's Korean field names and the names used in merged dumps.
KOREAN_KEYS = {
    "서비스ID": "id",
    "서비스명": "name",
    "서비스목적요약": "purpose",
    "서비스목적": "fullPurpose",
    "지원대상": "target",
    "선정기준": "criteria",
    "지원내용": "details",
    "신청방법": "applyMethod",
    "신청기한": "deadline",
    "조회수": "viewCount",
    "소관기관명": "agency",
    "소관기관유형": "agencyType",
    "부서명": "department",
    "사용자구분": "userType",
    "서비스분야": "serviceField",
    "지원유형": "supportType",
    "상세조회URL": "applyUrl",
    "전화문의": "phone",
    "문의처": "phone",
    "등록일시": "registerDate",
    "수정일시": "updateDate",
    "구비서류": "requiredDocs",
    "접수기관명": "receptionOrg",
    "온라인신청사이트URL": "onlineUrl",
    "법령": "law",
}
_JA_CODE = re.compile(r"^JA\d{4}$")
_LIST_SEPARATOR = "||"
_DETAIL_URL = "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{id}"
_SUMMARY_LIMIT = 400
_TEXT_LIMIT = 4000


class RowRejected(ValueError):
    """A row that cannot become a service; the message says why, in Korean."""


def read_rows(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """All rows of the given files, merged by 서비스ID when they are endpoint pages.

    Rows without a 서비스ID are kept as they are, so that they can be reported as rejected.
    """
    merged: dict[str, dict[str, Any]] = {}
    loose: list[dict[str, Any]] = []
    for raw in _raw_rows(paths):
        row = normalise_keys(raw) if isinstance(raw, dict) else {"_not_an_object": raw}
        service_id = row.get("id")
        if not isinstance(service_id, str | int) or not str(service_id).strip():
            loose.append(row)
            continue
        key = str(service_id).strip()
        merged.setdefault(key, {}).update({k: v for k, v in row.items() if v not in (None, "")})
        merged[key].setdefault("condition", row.get("condition"))
    return [*merged.values(), *loose]


def _raw_rows(paths: Iterable[Path]) -> Iterator[Any]:
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
        pages = document if isinstance(document, list) else [document]
        for page in pages:
            if isinstance(page, dict) and isinstance(page.get("data"), list):
                yield from page["data"]
            else:
                yield page


def normalise_keys(row: dict[str, Any]) -> dict[str, Any]:
    """English keys for a row; JA codes of a supportConditions row gathered under ``condition``."""
    out: dict[str, Any] = {}
    conditions: dict[str, Any] = dict(row.get("condition") or {})
    for key, value in row.items():
        if _JA_CODE.match(key):
            conditions[key] = value
        elif key != "condition":
            out[KOREAN_KEYS.get(key, key)] = value
    if conditions:
        out["condition"] = {k: v for k, v in conditions.items() if _JA_CODE.match(k)}
    return out


def to_service(row: dict[str, Any]) -> ServiceCreate:
    """One merged row as a service to write; raises :class:`RowRejected` with the reason."""
    if "_not_an_object" in row:
        raise RowRejected("행이 JSON 객체가 아닙니다.")
    service_id = _text(row.get("id"))
    name = _text(row.get("name"))
    agency = _text(row.get("agency"))
    missing = [
        label
        for label, value in (("서비스ID", service_id), ("서비스명", name), ("소관기관명", agency))
        if not value
    ]
    if missing:
        raise RowRejected(f"필수 항목이 비어 있습니다: {', '.join(missing)}")
    field_name = _text(row.get("serviceField"))
    if field_name not in {f.value for f in ServiceField}:
        raise RowRejected(f"알 수 없는 서비스분야입니다: {field_name or '(없음)'}")
    conditions = row.get("condition") if isinstance(row.get("condition"), dict) else None
    try:
        return ServiceCreate(
            id=service_id,
            name=name,
            agency=agency,
            agency_type=_agency_type(agency, _text(row.get("agencyType"))),
            region=region_of_agency(agency),
            department=_text(row.get("department")),
            user_types=_user_types(_text(row.get("userType"))),
            field=ServiceField(field_name),
            life_events=infer_life_events(name, conditions),
            benefit_forms=_benefit_forms(_text(row.get("supportType")), _text(row.get("details"))),
            summary=_text(row.get("purpose"))[:_SUMMARY_LIMIT],
            eligibility=_joined(row.get("target"), row.get("criteria")),
            benefit=_text(row.get("details"))[:_TEXT_LIMIT],
            apply=ApplyInfo(
                online_url=_url(row.get("onlineUrl")),
                offices=_text(row.get("receptionOrg")) or None,
                methods=_split(row.get("applyMethod")),
            ),
            deadline=_text(row.get("deadline")),
            contact=_text(row.get("phone")),
            required_documents=_lines(row.get("requiredDocs")),
            legal_basis=_split(row.get("law")),
            source_url=_url(row.get("applyUrl")) or _DETAIL_URL.format(id=service_id),
            source_name="정부24 공공서비스 정보(행정안전부)",
            updated_on=_date(row.get("updateDate")),
            view_count=_count(row.get("viewCount")),
            support_conditions=conditions,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise RowRejected(f"값이 올바르지 않습니다({where}): {first['msg']}") from error


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RowRejected(f"글자여야 할 값이 {type(value).__name__}입니다.")
    return str(value).replace("\r\n", "\n").strip()[:_TEXT_LIMIT]


def _joined(*values: Any) -> str:
    return "\n\n".join(t for v in values if (t := _text(v)))[:_TEXT_LIMIT]


def _split(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(_LIST_SEPARATOR) if part.strip()]


def _lines(value: Any) -> list[str]:
    lines = (line.strip().lstrip("-·○※ ").strip() for line in _text(value).split("\n"))
    return [line for line in lines if line][:30]


def _url(value: Any) -> str | None:
    text = _text(value)
    return text if text.startswith(("http://", "https://")) and " " not in text else None


def _count(value: Any) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError) as error:
        raise RowRejected(f"조회수가 숫자가 아닙니다: {value!r}") from error


def _date(value: Any) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text[:8], "%Y%m%d").date()  # noqa: DTZ007 (a calendar date, no time)
    except ValueError as error:
        raise RowRejected(f"수정일시 형식이 올바르지 않습니다: {text}") from error


def _agency_type(agency: str, declared: str) -> AgencyType:
    if declared in {t.value for t in AgencyType}:
        return AgencyType(declared)
    if region_of_agency(agency) or agency.endswith("교육청"):
        return AgencyType.LOCAL
    if agency.endswith(("부", "처", "청", "위원회", "실")):
        return AgencyType.CENTRAL
    return AgencyType.PUBLIC_BODY


def _user_types(declared: str) -> list[UserType]:
    mapping = {"개인": UserType.PERSON, "가구": UserType.HOUSEHOLD, "소상공인": UserType.SMALL_BUSINESS}
    found = [mapping[p] for p in _split(declared) if p in mapping]
    if any(p.startswith("법인") for p in _split(declared)):
        found.append(UserType.ORGANISATION)
    return found or [UserType.PERSON]


_FORM_WORDS: tuple[tuple[BenefitForm, tuple[str, ...]], ...] = (
    (BenefitForm.REDUCTION, ("감면", "할인", "면제")),
    (BenefitForm.VOUCHER, ("이용권", "바우처", "카드")),
    (BenefitForm.IN_KIND, ("현물", "물품", "지급품")),
    (BenefitForm.CASH, ("현금", "지원금", "수당", "장려금", "융자", "보조금")),
    (BenefitForm.SERVICE, ("서비스", "일자리", "상담", "교육", "돌봄")),
)


def _benefit_forms(support_type: str, details: str) -> list[BenefitForm]:
    source = support_type or details[:300]
    return [form for form, words in _FORM_WORDS if any(w in source for w in words)]


_TRAIT_EVENTS = {
    "JA0301": LifeEvent.PREGNANCY_BIRTH,
    "JA0302": LifeEvent.PREGNANCY_BIRTH,
    "JA0303": LifeEvent.PREGNANCY_BIRTH,
    "JA0317": LifeEvent.CHILDHOOD,
    "JA0318": LifeEvent.CHILDHOOD,
    "JA0319": LifeEvent.CHILDHOOD,
    "JA0327": LifeEvent.JOB_LOSS,
    "JA0328": LifeEvent.DISABILITY,
    "JA0403": LifeEvent.SINGLE_PARENT,
    "JA1101": LifeEvent.STARTUP,
}
_SELECTIVE = 4  # a trait group with at most this many flags is a real restriction, not "everyone"
_BEREAVEMENT_WORDS = ("사망", "장례", "장제", "유족", "상속", "추모")


def infer_life_events(name: str, conditions: dict[str, Any] | None) -> list[LifeEvent]:
    """Life events of an imported service, from its JA codes and name.

    >>> infer_life_events("장제급여", None)
    [<LifeEvent.BEREAVEMENT: 'bereavement'>]
    >>> infer_life_events("어르신 교통비", {"JA0110": 65, "JA0111": 100})
    [<LifeEvent.OLD_AGE: 'old-age'>]
    """
    events: list[LifeEvent] = []
    if any(word in name for word in _BEREAVEMENT_WORDS):
        events.append(LifeEvent.BEREAVEMENT)
    if conditions:
        events.extend(_events_from_conditions(conditions))
    return list(dict.fromkeys(events))


def _events_from_conditions(conditions: dict[str, Any]) -> Iterator[LifeEvent]:
    flagged = {code for code, value in conditions.items() if value == "Y"}
    for prefix in ("JA03", "JA04", "JA11"):
        group = {code for code in flagged if code.startswith(prefix)}
        if len(group) <= _SELECTIVE:
            yield from (_TRAIT_EVENTS[c] for c in sorted(group) if c in _TRAIT_EVENTS)
    income = {code for code in flagged if code.startswith("JA02")}
    if income and income <= {"JA0201", "JA0202"}:
        yield LifeEvent.LOW_INCOME
    yield from _events_from_ages(conditions.get("JA0110"), conditions.get("JA0111"))


def _events_from_ages(start: Any, end: Any) -> Iterator[LifeEvent]:
    if not isinstance(start, int | float) or not isinstance(end, int | float) or end - start > 60:
        return
    bands = (
        (LifeEvent.INFANCY, 0, 6),
        (LifeEvent.CHILDHOOD, 7, 18),
        (LifeEvent.YOUTH, 19, 39),
        (LifeEvent.MIDDLE_AGE, 40, 64),
        (LifeEvent.OLD_AGE, 65, 120),
    )
    for event, low, high in bands:
        overlap = min(end, high) - max(start, low)
        if overlap >= 0 and overlap >= (min(end - start, high - low)) / 2:
            yield event
