"""맞춤형 안내, signed in (once-only): the citizen consents once, and everything the registries can
answer is answered — zero questions — with each fact's agency and its access-log entry shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara import consent, guide, identity, registry, rules
from nara.kernel.clock import today, utcnow
from nara.kernel.db import transaction
from nara.web.access import allow, form_page
from nara.web.deps import app_state

router = APIRouter(include_in_schema=False)
Citizen = Annotated[identity.Principal, allow("citizen", purpose="eligibility_check")]
RECIPIENT = "nara:portal"
PURPOSE = "eligibility_check"
CONSENT_DAYS = 365
SCREENING_SHOWN = 20


def standing_consent(session: Any, person_id: str) -> consent.Consent | None:
    """The citizen's live consent letting the portal read the eligibility facts, if any."""
    now, needed = utcnow(), set(identity.ELIGIBILITY_FACTS)
    for given in consent.consents_of(session, person_id):
        usable = given.status(now) == "active" and needed <= set(given.facts)
        if usable and (given.recipient, given.purpose) == (RECIPIENT, PURPOSE):
            return given
    return None


@router.get("/guide/me", response_class=HTMLResponse)
def my_results(request: Request, principal: Citizen) -> HTMLResponse:
    state = app_state(request)
    person = principal.person_id or ""
    with state.sessions() as session:
        given = standing_consent(session, person)
        member = consent.membership(session, person) is not None
    if given is None:
        return form_page(request, "guide_me_consent.html", facts=_fact_labels(), days=CONSENT_DAYS)
    result = state.exchange.request(
        registry.ExchangeRequest(
            caller=RECIPIENT, subject=person, facts=identity.ELIGIBILITY_FACTS, purpose=PURPOSE,
            basis=f"consent:{given.id}", on_behalf_of=f"citizen:{person}",
        )
    )  # fmt: skip
    values = registry.verify_responses(result, state.exchange.keys.jwks())
    document = guide.situation_from_registry({name: fact.value for name, fact in values.items()}, today())
    situation = rules.parse_situation(document, today=today())
    screened = state.search.screening_book().screen(situation)
    public = rules.evaluation_public(situation, rules.evaluate(situation), screened, SCREENING_SHOWN)
    return form_page(
        request, "guide_me.html", results=guide.group(public), sources=_sources(values),
        access_position=result.access_position, member=member, consent=given,
    )  # fmt: skip


@router.post("/guide/me/consent")
def give_consent(request: Request, principal: Citizen) -> Response:
    with transaction(app_state(request).sessions) as session:
        consent.grant(
            session, principal.person_id or "", recipient=RECIPIENT, purpose=PURPOSE,
            facts=list(identity.ELIGIBILITY_FACTS), valid_until=utcnow() + timedelta(days=CONSENT_DAYS),
        )  # fmt: skip
    return RedirectResponse("/guide/me", status_code=303)


def _fact_labels() -> list[tuple[str, str]]:
    facts = registry.catalogue()
    return [
        (facts.facts[name].label, facts.agencies[facts.facts[name].registry].display)
        for name in identity.ELIGIBILITY_FACTS
    ]


def _sources(values: dict[str, registry.FactValue]) -> list[tuple[str, str, str]]:
    """(fact, value as read, agency) for every fact the registries answered."""
    facts = registry.catalogue()
    return [
        (facts.facts[name].label, facts.facts[name].display(fact.value), facts.agencies[fact.agency].display)
        for name, fact in values.items()
        if name in facts.facts
    ]
