"""The answers that need no eligibility check: a person, an application's progress, a search, 신청 방법,
and "I am not sure" (the search results and the call centre)."""

from __future__ import annotations

from datetime import date

from nara.assistant import templates as t
from nara.assistant.assess import assess, service_names
from nara.assistant.eligibility import service_item
from nara.assistant.intents import Intent, IntentGuess
from nara.assistant.language import has_content
from nara.assistant.schemas import Handoff, Reply, ServiceItem, Source
from nara.assistant.search import SearchFn, ServiceHit
from nara.assistant.state import State
from nara.rules import Status

FIND_SHOWN = 5
NOT_SURE_SHOWN = 3
# Words of a 신청 방법 question that name no service: with only these, search has nothing to look for.
_HOW_WORDS = frozenset(
    [
        "신청",
        "방법",
        "서류",
        "곳",
        "접수",
        "절차",
        "필요",
        "준비",
        "온라인",
        "방문",
        "어디",
        "것",
        "거",
        "뭐",
        "무엇",
        "좀",
        "수",
        "처",
    ]
)
# Words of greeting and courtesy: a message of only these has nothing to search for.
_COURTESY = frozenset(
    [
        "안녕",
        "감사",
        "수고",
        "반갑",
        "부탁",
        "질문",
        "문의",
        "여보세요",
        "말씀",
        "도움",
        "저기",
        "혹시",
        "테스트",
        "시험",
    ]
)


def human(guess: IntentGuess) -> Reply:
    return Reply(
        text="\n".join([t.HUMAN, t.HUMAN_MEANWHILE]),
        intent=Intent.HUMAN,
        confidence=guess.confidence,
        handoff=Handoff(),
    )


def application_status(guess: IntentGuess) -> Reply:
    return Reply(
        text="\n".join([t.STATUS, t.STATUS_WHERE]),
        intent=Intent.APPLICATION_STATUS,
        confidence=guess.confidence,
        handoff=Handoff(),
    )


def not_sure(message: str, guess: IntentGuess, named: list[str], search: SearchFn) -> Reply:
    """Not sure what is wanted: the services named first, then what search finds; and the call centre."""
    found = [hit for service_id in named if (hit := find_hit(service_id, search))]
    found += search(message, NOT_SURE_SHOWN) if has_content(message, ignore=_COURTESY) else []
    hits = list({hit.service_id: hit for hit in found}.values())[:NOT_SURE_SHOWN]
    lines = [t.NOT_SURE]
    if hits:
        lines += [t.NOT_SURE_HITS] + [t.FIND_LINE.format(name=h.name, agency=h.agency) for h in hits]
    else:
        lines.append(t.NOT_SURE_AGAIN)
    lines.append(t.CALL_110)
    return Reply(
        text="\n".join(lines),
        intent=guess.intent,
        confidence=guess.confidence,
        services=tuple(_card(hit) for hit in hits),
        sources=_agencies(hits),
        handoff=Handoff(),
    )


def find(state: State, message: str, *, search: SearchFn, today: date, confidence: float) -> Reply:
    """The catalog's answer; with what the engine says of each service when something is known."""
    hits = search(message, FIND_SHOWN * 2)
    results = {r.service_id: r for r in assess(state, today)} if state.knows_anything() else {}
    statuses = {service_id: result.status for service_id, result in results.items()}
    hits = [h for h in hits if statuses.get(h.service_id) is not Status.INELIGIBLE][:FIND_SHOWN]
    state.shown = [hit.service_id for hit in hits]
    if not hits:
        return Reply(text=t.FIND_NONE, intent=Intent.FIND_SERVICE, confidence=confidence, handoff=Handoff())
    lines = [t.FIND_INTRO]
    for hit in hits:
        eligible = statuses.get(hit.service_id) is Status.ELIGIBLE
        template = t.FIND_LINE_ELIGIBLE if eligible else t.FIND_LINE
        lines.append(template.format(name=hit.name, agency=hit.agency))
    lines.append(t.FIND_NEXT)
    items = tuple(
        service_item(results[hit.service_id], hit) if hit.service_id in results else _card(hit)
        for hit in hits
    )
    return Reply(
        text="\n".join(lines),
        intent=Intent.FIND_SERVICE,
        confidence=confidence,
        services=items,
        sources=_agencies(hits),
    )


def how_to_apply(
    state: State, message: str, named: list[str], *, search: SearchFn, confidence: float
) -> Reply:
    """The catalog's 신청 방법 of the service named, or of the one the conversation is about."""
    target = _target(state, message, named, search)
    if target is None:
        return Reply(text=t.APPLY_WHICH, intent=Intent.HOW_TO_APPLY, confidence=confidence)
    state.shown = [target.service_id]
    lines = [t.APPLY_INTRO.format(name=target.name)]
    guide = target.apply
    if guide is not None:
        lines += [t.APPLY_ONLINE.format(url=guide.online_url)] if guide.online_url else []
        lines += [t.APPLY_OFFICES.format(offices=guide.offices)] if guide.offices else []
        lines += [t.APPLY_METHODS.format(methods=", ".join(guide.methods))] if guide.methods else []
        lines += [t.APPLY_DOCUMENTS.format(documents=", ".join(guide.documents))] if guide.documents else []
        lines += [t.APPLY_CONTACT.format(contact=guide.contact)] if guide.contact else []
    if len(lines) == 1:
        lines.append(t.APPLY_ASK_AGENCY.format(name=target.name, agency=target.agency))
    return Reply(
        text="\n".join(lines),
        intent=Intent.HOW_TO_APPLY,
        confidence=confidence,
        services=(_card(target),),
        sources=_agencies([target]),
    )


def _target(state: State, message: str, named: list[str], search: SearchFn) -> ServiceHit | None:
    wanted = named[:1] or state.named[:1] or (state.shown[:1] if len(state.shown) == 1 else [])
    if wanted:
        return find_hit(wanted[0], search)
    if has_content(message, ignore=_HOW_WORDS):
        hits = search(message, 1)
        return hits[0] if hits else None
    return None


def find_hit(service_id: str, search: SearchFn) -> ServiceHit | None:
    """The catalog's card of one service, found by searching its own name."""
    name = service_names().get(service_id, service_id)
    return next((hit for hit in search(name, 5) if hit.service_id == service_id), None)


def _card(hit: ServiceHit) -> ServiceItem:
    return ServiceItem(hit.service_id, hit.name, None, agency=hit.agency)


def _agencies(hits: list[ServiceHit]) -> tuple[Source, ...]:
    return tuple(Source(hit.service_id, "agency", hit.agency) for hit in hits)
