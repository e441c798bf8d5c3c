"""Forms, bundles and deciding offices as data (YAML beside the rules), loaded and checked once.

``forms/<service>.yaml``: the agency that decides, the facts pulled from the registries, the fields only
the citizen can answer, the documents still needed when no registry holds a fact, and — for a request
fanned out to several agencies (안심상속) — its parts. ``bundles/<id>.yaml``: a life event's shared
questions and services, in order. ``agencies.yaml``: the deciding offices.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from nara import registry, rules

FieldKind = Literal["text", "date", "account", "phone", "number", "choice"]
_DATA = resources.files("nara.apply")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(_Spec):
    name: str
    local: bool = False  # the citizen's own 시·군·구 office decides


class Office(_Spec):
    """A deciding office: the agency itself, or its branch in one 시·군·구 (``welfare_office-11110``)."""

    code: str
    name: str


class FormField(_Spec):
    name: str = Field(pattern=r"^[a-z_]+$")
    label: str
    kind: FieldKind
    choices: dict[str, str] = Field(default_factory=dict)
    optional: bool = False


class Document(_Spec):
    """A document the citizen uploads or brings — needed only when no registry answered ``fact``."""

    label: str
    fact: str | None = None


class Part(_Spec):
    """One agency's share of a fanned-out request (e.g. 국세청 for 안심상속), decided on its own."""

    id: str = Field(pattern=r"^[a-z_]+$")
    agency: str
    name: str


class Form(_Spec):
    service: str
    agency: str
    legal_basis: str
    for_child: bool = False
    pulls: tuple[str, ...]
    fields: tuple[FormField, ...] = ()
    documents: tuple[Document, ...] = ()
    parts: tuple[Part, ...] = ()


class Question(FormField):
    """A bundle's shared question: ``newborn.<field>``, ``applicant.<field>`` or ``household.<field>``."""

    name: str = Field(pattern=r"^(newborn|applicant|household)\.[a-z_]+$")


class Bundle(_Spec):
    id: str
    name: str
    life_event: str
    summary: str
    newborn: bool = False
    questions: tuple[Question, ...] = ()
    services: tuple[str, ...]
    # Local services by place: a 시·도 code (2 digits) or a 시군구 code (5 digits; a 시 with 일반구 reaches them).
    local: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _services_known(self) -> Bundle:
        if len(set(self.all_services)) != len(self.all_services):
            raise ValueError(f"{self.id}: 같은 서비스가 두 번 들어 있습니다.")
        codes = {code for code, _, _ in rules.sigungu_table()}
        places = codes | {code[:2] for code in codes}
        unknown = sorted(set(self.local) - places)
        if unknown:
            raise ValueError(f"{self.id}: 시·도나 시군구 코드가 아닌 지역: {', '.join(unknown)}")
        return self

    @property
    def all_services(self) -> tuple[str, ...]:
        """The national services and every 시·도's local ones (for the consent: one for any address)."""
        return self.services + tuple(s for local in self.local.values() for s in local)

    def services_for(self, region: str | None) -> tuple[str, ...]:
        """The national services, then the local ones of the 시·도 of ``region`` (a 시군구 code), of its 시
        when it is an 일반구 (청주시 for 청주시 상당구), and of the 시군구 itself."""
        if not region:
            return self.services
        places = dict.fromkeys((region[:2], _city_of(region), region))
        return self.services + tuple(s for place in places if place for s in self.local.get(place, ()))


@cache
def _cities() -> dict[str, str]:
    """Each 일반구's 시 (``43111`` 청주시 상당구 → ``43110`` 청주시), from the rules' 시군구 table."""
    codes = {(sido, name): code for code, sido, name in rules.sigungu_table()}
    return {code: codes[(sido, name.split()[0])] for code, sido, name in rules.sigungu_table()
            if " " in name and (sido, name.split()[0]) in codes}  # fmt: skip


def _city_of(region: str) -> str | None:
    return _cities().get(region)


def _yaml(path: Any) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def agencies() -> dict[str, Agency]:
    return {code: Agency(**entry) for code, entry in _yaml(_DATA / "agencies.yaml")["agencies"].items()}


@cache
def forms() -> dict[str, Form]:
    loaded = {}
    for path in sorted(_DATA.joinpath("forms").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".yaml"):
            form = Form(**_yaml(path))
            _check_form(form, path.name)
            loaded[form.service] = form
    return loaded


@cache
def bundles() -> dict[str, Bundle]:
    loaded = {}
    for path in sorted(_DATA.joinpath("bundles").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".yaml"):
            bundle = Bundle(**_yaml(path))
            missing = [service for service in bundle.all_services if service not in forms()]
            if missing:
                raise ValueError(f"{path.name}: 신청서가 없는 서비스: {', '.join(missing)}")
            loaded[bundle.id] = bundle
    return loaded


def _check_form(form: Form, file: str) -> None:
    known = registry.catalogue().facts
    unknown = [fact for fact in form.pulls if fact not in known]
    offices = [form.agency, *(part.agency for part in form.parts)]
    problems = [f"정보 목록에 없는 정보: {', '.join(unknown)}"] if unknown else []
    problems += [f"처리기관 목록에 없는 기관: {code}" for code in offices if code not in agencies()]
    if form.service not in {rule.service_id for rule in rules.rulebook()}:
        problems.append(f"규칙이 없는 서비스: {form.service}")
    if problems:
        raise ValueError(f"{file}: " + "; ".join(problems))


def form(service_id: str) -> Form | None:
    return forms().get(service_id)


def bundle(bundle_id: str) -> Bundle | None:
    return bundles().get(bundle_id)


def office(agency_code: str, region: str | None) -> Office:
    """The office that decides for a citizen living in ``region`` (a 시·군·구 code)."""
    agency = agencies()[agency_code]
    if not agency.local:
        return Office(code=agency_code, name=agency.name)
    place = registry.catalogue().facts["household.region"].display(region) if region else "주소지"
    return Office(code=f"{agency_code}-{region or '00000'}", name=f"{place} {agency.name}")


def office_name(code: str) -> str:
    """The Korean name of an office code, e.g. ``welfare_office-11110`` → "서울특별시 종로구 …"."""
    agency_code, _, region = code.partition("-")
    if agency_code not in agencies():
        return code
    return office(agency_code, region or None).name
