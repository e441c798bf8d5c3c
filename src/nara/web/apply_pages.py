"""한 번에 신청: a service's application or a life-event bundle (원스톱 패키지), and 내 신청 현황.

The journey, the same for one service (/apply/{service}) and a bundle (/bundles/{id}): consent once →
the household's facts as the registries gave them (source shown, 정정 요청 possible) and the few
questions no registry can answer → which services the family gets and why, each form's own fields and
the documents still needed → one submission (its key travels in the form: a double click, a retry or
browser back after submitting finds the same submission) → 접수되었습니다 with receipt numbers.
Works without JavaScript; bad input re-shows the page with everything typed kept.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from nara import apply, consent, identity, registry, rules
from nara.kernel.clock import today, utcnow
from nara.kernel.db import transaction
from nara.web import apply_documents
from nara.web.access import allow, form_page
from nara.web.deps import app_state

router = APIRouter(include_in_schema=False)
Citizen = Annotated[identity.Principal, allow("citizen", purpose="apply")]
Public = allow("public", purpose="apply_information")
BundleId = Annotated[str, Path(max_length=40, pattern=r"^[a-z_]+$")]
ServiceId = Annotated[str, Path(max_length=60, pattern=r"^[A-Za-z0-9_-]+$")]
ApplicationId = Annotated[str, Path(max_length=40, pattern=r"^A-[0-9a-f]+$")]


def _person(principal: identity.Principal) -> str:
    assert principal.person_id is not None  # every citizen account is tied to a resident
    return principal.person_id


def journey_of(kind: str, key: str) -> apply.Bundle:
    """A bundle, or one service applied for on its own (a bundle of one, without shared questions)."""
    if kind == "bundles":
        found = apply.bundle(key)
        if found is None:
            raise apply.ApplicationNotFound("그런 원스톱 신청은 없습니다.")
        return found
    spec = apply.form(key)
    if spec is None:
        raise apply.ApplicationNotFound("이 서비스는 아직 나라에서 온라인으로 신청할 수 없습니다.")
    name = next((r.name for r in rules.rulebook() if r.service_id == key), key)
    return apply.Bundle(
        id=key, name=name, life_event="", summary=f"{name}을(를) 신청합니다.", services=(key,)
    )


def _base(kind: str, journey: apply.Bundle) -> str:
    return f"/bundles/{journey.id}" if kind == "bundles" else f"/apply/{journey.id}"


@router.get("/bundles", response_class=HTMLResponse, dependencies=[Public])
def bundles_page(request: Request) -> HTMLResponse:
    return form_page(request, "apply_bundles.html", bundles=list(apply.bundles().values()))


@router.get("/bundles/{bundle_id}", response_class=HTMLResponse)
def bundle_start(request: Request, bundle_id: BundleId, principal: Citizen) -> HTMLResponse:
    return _start(request, "bundles", bundle_id, principal)


@router.get("/apply/{service_id}", response_class=HTMLResponse)
def service_start(request: Request, service_id: ServiceId, principal: Citizen) -> HTMLResponse:
    return _start(request, "services", service_id, principal)


def _start(request: Request, kind: str, key: str, principal: identity.Principal) -> HTMLResponse:
    journey, person, state = journey_of(kind, key), _person(principal), app_state(request)
    facts = apply.journey_facts(journey)
    with state.sessions() as session:
        given = apply.usable_consent(session, person, facts)
    if given is None:
        return form_page(request, "apply_consent.html", journey=journey, base=_base(kind, journey),
                         facts=_fact_labels(facts))  # fmt: skip
    found = apply.read(state.exchange, person, given.id, facts)
    return _questions(request, kind, journey, found)


def _questions(request: Request, kind: str, journey: apply.Bundle, found: apply.Household,
               given: dict[str, str] | None = None, error: apply.ApplyInvalid | None = None) -> HTMLResponse:  # fmt: skip
    return form_page(
        request, "apply_start.html", status_code=422 if error else 200, journey=journey,
        base=_base(kind, journey), household=found, shown=apply.shown_facts(journey, found),
        not_fetched=[_label(n) for n in found.not_fetched(apply.journey_facts(journey))],
        unavailable=[_agency(a) for a in found.unavailable], given=given or {}, error=error,
        problems=(error.fields.get("fields") if error else None) or {},
    )  # fmt: skip


def _fact_labels(facts: tuple[str, ...]) -> list[tuple[str, str]]:
    catalogue = registry.catalogue()
    return [
        (catalogue.facts[n].label, catalogue.agencies[catalogue.facts[n].registry].display) for n in facts
    ]


def _label(name: str) -> str:
    fact = registry.catalogue().facts.get(name)
    return fact.label if fact else name


def _agency(code: str) -> str:
    agency = registry.catalogue().agencies.get(code)
    return agency.display if agency else code


@router.post("/bundles/{bundle_id}/consent")
def bundle_consent(request: Request, bundle_id: BundleId, principal: Citizen) -> Response:
    return _consent(request, "bundles", bundle_id, principal)


@router.post("/apply/{service_id}/consent")
def service_consent(request: Request, service_id: ServiceId, principal: Citizen) -> Response:
    return _consent(request, "services", service_id, principal)


def _consent(request: Request, kind: str, key: str, principal: identity.Principal) -> Response:
    journey = journey_of(kind, key)
    with transaction(app_state(request).sessions) as session:
        apply.give_consent(session, _person(principal), apply.journey_facts(journey))
    return RedirectResponse(_base(kind, journey), status_code=303)


@router.post("/bundles/{bundle_id}/check", response_class=HTMLResponse)
async def bundle_check(request: Request, bundle_id: BundleId, principal: Citizen) -> HTMLResponse:
    given = await _form(request)
    return await run_in_threadpool(_check, request, "bundles", bundle_id, principal, given)


@router.post("/apply/{service_id}/check", response_class=HTMLResponse)
async def service_check(request: Request, service_id: ServiceId, principal: Citizen) -> HTMLResponse:
    given = await _form(request)
    return await run_in_threadpool(_check, request, "services", service_id, principal, given)


async def _form(request: Request) -> dict[str, str]:
    """The posted form (read on the event loop; the work on it then runs in the thread pool, so a worker
    serves other requests while this one waits for the database)."""
    form = await request.form()
    limit = {"carried": 400_000}  # the registries' signed responses for a whole household
    return {key: value[: limit.get(key, 4000)] for key, value in form.items() if isinstance(value, str)}


def _check(request: Request, kind: str, key: str, principal: identity.Principal,
           given: dict[str, str]) -> HTMLResponse:  # fmt: skip
    journey, person = journey_of(kind, key), _person(principal)
    found = _reverified(request, person, given)
    try:
        answers = apply.parse_answers(journey.questions, given)
        checks = apply.check_bundle(journey, found, answers, today())
    except apply.ApplyInvalid as error:
        return _questions(request, kind, journey, found, given, error)
    return _review(request, kind, journey, found, given, checks, uuid.uuid4().hex)


def _reverified(request: Request, person: str, given: dict[str, str]) -> apply.Household:
    state = app_state(request)
    with state.sessions() as session:
        _check_consent(session, person, given.get("consent_id", ""))
    return apply.reverify(state.exchange, person, given["consent_id"], given.get("carried", ""))


def _check_consent(session: Any, person: str, consent_id: str) -> None:
    if not any(c.id == consent_id for c in _consents(session, person)):
        raise apply.ApplyInvalid("동의가 끝났거나 철회되었습니다. 처음부터 다시 시작해 주세요.")


def _consents(session: Any, person: str) -> list[consent.Consent]:
    return [c for c in consent.consents_of(session, person) if c.status(utcnow()) == "active"]


def _review(request: Request, kind: str, journey: apply.Bundle, found: apply.Household, given: dict[str, str],
            checks: list[apply.ServiceCheck], submission_key: str,
            error: apply.ApplyInvalid | None = None) -> HTMLResponse:  # fmt: skip
    offered = [c for c in checks if c.offered]
    return form_page(
        request, "apply_review.html", status_code=422 if error else 200, journey=journey,
        base=_base(kind, journey), household=found, checks=checks, offered=offered,
        forms={c.service_id: apply.form(c.service_id) for c in checks},
        offices={c.service_id: _offices(c.service_id, found) for c in checks},
        documents={c.service_id: _documents(c.service_id, found, given) for c in offered},
        given=given, submission_key=submission_key, error=error,
        carried_answers={k: v for k, v in given.items() if "." in k and not k.startswith("correct.")},
        corrections=_corrections_given(given),
    )  # fmt: skip


def _offices(service_id: str, found: apply.Household) -> list[str]:
    spec = apply.form(service_id)
    assert spec is not None
    agencies = [spec.agency, *(part.agency for part in spec.parts)] if spec.parts else [spec.agency]
    return [apply.office_for(code, found.region).name for code in dict.fromkeys(agencies)]


def _documents(service_id: str, found: apply.Household, given: dict[str, str]) -> list[str]:
    spec = apply.form(service_id)
    assert spec is not None
    return apply.documents_needed(found, spec, _corrections(given))


def _corrections(given: dict[str, str]) -> list[apply.Correction]:
    found = []
    for key, claimed in given.items():
        if key.startswith("correct.") and key.endswith(".value") and claimed.strip():
            fact = key.removeprefix("correct.").removesuffix(".value")
            reason = given.get(f"correct.{fact}.reason", "").strip()
            found.append(apply.Correction(fact, claimed.strip()[:200], reason[:500]))
    return found


def _corrections_given(given: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in given.items() if k.startswith("correct.") and v.strip()}


@router.post("/bundles/{bundle_id}/submit")
async def bundle_submit(request: Request, bundle_id: BundleId, principal: Citizen) -> Response:
    given = await _form(request)
    return await run_in_threadpool(_submit, request, "bundles", bundle_id, principal, given)


@router.post("/apply/{service_id}/submit")
async def service_submit(request: Request, service_id: ServiceId, principal: Citizen) -> Response:
    given = await _form(request)
    return await run_in_threadpool(_submit, request, "services", service_id, principal, given)


def _submit(request: Request, kind: str, key: str, principal: identity.Principal,
            given: dict[str, str]) -> Response:  # fmt: skip
    journey, person, state = journey_of(kind, key), _person(principal), app_state(request)
    submission_key = given.get("submission_key", "")
    if not 16 <= len(submission_key) <= 80:
        raise apply.ApplyInvalid("신청 화면이 오래되었습니다. 처음부터 다시 시작해 주세요.")
    with transaction(state.sessions) as session:  # one transaction: the key, the consent, the writes
        # A double click, a retry, browser back: the key's submission is there, nothing new.
        if apply.submission(session, person, submission_key) is None:
            refused = _submit_new(request, session, kind, journey, person, given)
            if refused is not None:
                return refused
    # committed before the citizen sees 접수되었습니다
    return RedirectResponse(f"/me/applications?submitted={submission_key}", status_code=303)


def _submit_new(request: Request, session: Any, kind: str, journey: apply.Bundle, person: str,
                given: dict[str, str]) -> HTMLResponse | None:  # fmt: skip
    """Submit in ``session``; the review page again (nothing written) if nothing valid was chosen."""
    _check_consent(session, person, given.get("consent_id", ""))
    found = apply.reverify(app_state(request).exchange, person, given["consent_id"], given.get("carried", ""))
    answers = apply.parse_answers(journey.questions, given)
    checks = apply.check_bundle(journey, found, answers, today())
    chosen = {c.service_id: c for c in checks if c.offered and given.get(f"choose.{c.service_id}") == "yes"}
    try:
        fields = {s: _fields(s, given) for s in chosen}
        if not chosen:
            raise apply.ApplyInvalid("신청할 서비스를 하나 이상 골라 주세요.")
    except apply.ApplyInvalid as error:
        return _review(request, kind, journey, found, given, checks, given["submission_key"], error)
    apply.submit(session, apply.Request(
        person_id=person, submission_key=given["submission_key"], household=found, checks=chosen,
        bundle=journey if kind == "bundles" else None, answers=answers, fields=fields,
        corrections=tuple(_corrections(given)),
    ))  # fmt: skip
    return None


def _fields(service_id: str, given: dict[str, str]) -> dict[str, Any]:
    own = {key.removeprefix(f"field.{service_id}."): value for key, value in given.items()
           if key.startswith(f"field.{service_id}.")}  # fmt: skip
    return apply.parse_fields(service_id, own, "field")


@router.get("/me/applications", response_class=HTMLResponse)
def my_applications(request: Request, principal: Citizen) -> HTMLResponse:
    person, submitted = _person(principal), request.query_params.get("submitted", "")[:80]
    with app_state(request).sessions() as session:
        mine = apply.applications_of(session, person)
        just = apply.submission(session, person, submitted) if submitted else None
    return form_page(request, "apply_mine.html", applications=mine, submitted=submitted, just=just)


@router.get("/me/applications/{application_id}", response_class=HTMLResponse)
def my_application(request: Request, application_id: ApplicationId, principal: Citizen) -> HTMLResponse:
    return apply_documents.application_page(request, _person(principal), application_id)  # with its 제출 서류


@router.post("/me/applications/{application_id}/supplement")
def my_supplement(
    request: Request, application_id: ApplicationId, principal: Citizen,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    with transaction(app_state(request).sessions) as session:
        apply.submit_supplement(session, _person(principal), application_id, note)
    return RedirectResponse(f"/me/applications/{application_id}?done=supplement", status_code=303)
