"""The fixed vocabularies of the service catalog.

Korean labels are what citizens see; the English member names are what code uses.
The ten service fields are those of the national catalog (정부24 서비스분야).
"""

from __future__ import annotations

from enum import StrEnum


class ServiceField(StrEnum):
    """서비스분야 — the ten fields of the national catalog."""

    LIVELIHOOD = "생활안정"
    HOUSING = "주거·자립"
    CARE = "보육·교육"
    EMPLOYMENT = "고용·창업"
    HEALTH = "보건·의료"
    PREGNANCY = "임신·출산"
    PROTECTION = "보호·돌봄"
    CULTURE = "문화·환경"
    AGRICULTURE = "농림축산어업"
    SAFETY = "행정·안전"


class AgencyType(StrEnum):
    """기관유형 — who runs the service."""

    CENTRAL = "중앙행정기관"
    LOCAL = "지자체"
    PUBLIC_BODY = "공공기관"


class UserType(StrEnum):
    """사용자구분 — who can use the service."""

    PERSON = "개인"
    HOUSEHOLD = "가구"
    SMALL_BUSINESS = "소상공인"
    ORGANISATION = "법인·단체"


class BenefitForm(StrEnum):
    """지원형태 — what form the help takes."""

    CASH = "현금"
    IN_KIND = "현물"
    VOUCHER = "이용권"
    SERVICE = "서비스"
    REDUCTION = "감면"


class LifeEvent(StrEnum):
    """생애사건 — the moments of life a service belongs to (value is the URL slug)."""

    PREGNANCY_BIRTH = "pregnancy-birth"
    INFANCY = "infancy"
    CHILDHOOD = "childhood"
    YOUTH = "youth"
    MIDDLE_AGE = "middle-age"
    OLD_AGE = "old-age"
    DISABILITY = "disability"
    SINGLE_PARENT = "single-parent"
    BEREAVEMENT = "bereavement"
    JOB_LOSS = "job-loss"
    STARTUP = "startup"
    LOW_INCOME = "low-income"

    @property
    def label(self) -> str:
        return LIFE_EVENT_LABELS[self]

    @property
    def description(self) -> str:
        return LIFE_EVENT_DESCRIPTIONS[self]


LIFE_EVENT_LABELS: dict[LifeEvent, str] = {
    LifeEvent.PREGNANCY_BIRTH: "임신·출산",
    LifeEvent.INFANCY: "영유아",
    LifeEvent.CHILDHOOD: "아동·청소년",
    LifeEvent.YOUTH: "청년",
    LifeEvent.MIDDLE_AGE: "중장년",
    LifeEvent.OLD_AGE: "노년",
    LifeEvent.DISABILITY: "장애",
    LifeEvent.SINGLE_PARENT: "한부모",
    LifeEvent.BEREAVEMENT: "사망·상속",
    LifeEvent.JOB_LOSS: "실직",
    LifeEvent.STARTUP: "창업",
    LifeEvent.LOW_INCOME: "저소득",
}

LIFE_EVENT_DESCRIPTIONS: dict[LifeEvent, str] = {
    LifeEvent.PREGNANCY_BIRTH: "아이를 기다리거나 낳았을 때 받을 수 있는 지원",
    LifeEvent.INFANCY: "0~6세 아이를 키울 때 받을 수 있는 지원",
    LifeEvent.CHILDHOOD: "초·중·고 자녀와 청소년을 위한 지원",
    LifeEvent.YOUTH: "19~34세 청년의 일자리, 주거, 자산 마련 지원",
    LifeEvent.MIDDLE_AGE: "일과 가족을 함께 챙기는 중장년을 위한 지원",
    LifeEvent.OLD_AGE: "65세 이상 어르신의 소득, 건강, 돌봄 지원",
    LifeEvent.DISABILITY: "장애가 있는 분과 그 가족을 위한 지원",
    LifeEvent.SINGLE_PARENT: "혼자 아이를 키우는 가정을 위한 지원",
    LifeEvent.BEREAVEMENT: "가족이 세상을 떠났을 때 필요한 절차와 지원",
    LifeEvent.JOB_LOSS: "일자리를 잃었을 때 생활과 재취업 지원",
    LifeEvent.STARTUP: "사업을 시작하거나 꾸려 가는 분을 위한 지원",
    LifeEvent.LOW_INCOME: "소득이 적어 생활이 어려울 때 받을 수 있는 지원",
}


def life_event_from_label(label: str) -> LifeEvent | None:
    """Find the life event whose Korean label is ``label``.

    >>> life_event_from_label("청년")
    <LifeEvent.YOUTH: 'youth'>
    >>> life_event_from_label("없는 것") is None
    True
    """
    for event, event_label in LIFE_EVENT_LABELS.items():
        if event_label == label:
            return event
    return None
