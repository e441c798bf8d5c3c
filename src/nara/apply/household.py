"""What the registries say about the applicant's household, read once through the exchange.

One household read (세대원 each logged) under the citizen's consent, verified against each agency's key,
turned into members named from the applicant's side (``me``, ``spouse``, ``child1`` …). The signed
responses travel with the form (``carried``), so the submit step checks the same facts again by their
signatures instead of reading the registries a second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nara import registry, rules
from nara.apply.errors import ApplyInvalid
from nara.apply.specs import Bundle, Form, form

CALLER = "nara:apply"
PURPOSE = "benefit_determination"
ALWAYS = ("member.name", "member.relation", "member.birth_date", "member.sex", "household.region")
_DERIVED = {"member.age": "member.birth_date", "member.age_months": "member.birth_date"}
# The applicant's relation to the head of household (세대주) → how the applicant calls each other member.
_FROM_SPOUSE = {"self": "spouse", "child": "child", "parent": "parent", "grandchild": "grandchild"}
_FROM_CHILD = {"self": "parent", "spouse": "parent", "child": "sibling"}


@dataclass(frozen=True)
class PulledFact:
    name: str
    label: str
    value: Any
    shown: str  # as a citizen reads it
    agency: str  # the registry that signed it
    agency_name: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "value": self.value, "shown": self.shown,
                "agency": self.agency, "agency_name": self.agency_name}  # fmt: skip


@dataclass(frozen=True)
class Member:
    person_id: str
    member_id: str  # me, spouse, child1, parent1 …: the rules' member ids
    relation: str  # to the applicant
    name: str
    facts: dict[str, PulledFact]


@dataclass(frozen=True)
class Household:
    applicant: str
    consent_id: str
    members: tuple[Member, ...]
    facts: dict[str, PulledFact]  # household.* facts
    unavailable: tuple[str, ...] = ()  # registries that did not answer
    carried: str = field(default="", repr=False)  # the signed responses, to hand back at submit

    @property
    def me(self) -> Member:
        return self.members[0]

    @property
    def region(self) -> str | None:
        """The 시군구 code of the household's registered address, if the registry gave it."""
        fact = self.facts.get("household.region")
        return str(fact.value) if fact is not None and fact.value else None

    def not_fetched(self, wanted: tuple[str, ...]) -> list[str]:
        """Facts in ``wanted`` the registries could not answer (their registry was unavailable)."""
        facts = registry.catalogue().facts
        return [name for name in wanted if name in facts and facts[name].registry in self.unavailable]


def journey_facts(bundle: Bundle) -> tuple[str, ...]:
    """The registry facts a bundle's journey (or one service's) reads, for any address: what its consent
    covers and its household read asks for."""
    pulls = tuple(p for s in bundle.all_services for p in _form_of(s).pulls)
    return facts_needed(bundle.all_services, pulls)


def shown_facts(bundle: Bundle, found: Household) -> list[PulledFact]:
    """The facts the bundle's forms will carry, once each: the applicant's and the household's."""
    names = dict.fromkeys(p for s in bundle.all_services for p in _form_of(s).pulls)
    return [f for n in names if (f := found.facts.get(n) or found.me.facts.get(n)) is not None]


def _form_of(service_id: str) -> Form:
    spec = form(service_id)
    if spec is None:
        raise ApplyInvalid(f"온라인으로 신청할 수 없는 서비스입니다: {service_id}")
    return spec


def facts_needed(service_ids: tuple[str, ...], pulls: tuple[str, ...]) -> tuple[str, ...]:
    """The registry facts to read: the forms' pulls and every fact the services' rules read."""
    known = registry.catalogue().facts
    wanted = set(ALWAYS) | set(pulls)
    for rule in rules.rulebook():
        if rule.service_id in service_ids:
            wanted |= {_DERIVED.get(name, name) for name in rules.fact_names(rule)}
    return tuple(sorted(name for name in wanted if name in known))


def read(exchange: registry.Exchange, person_id: str, consent_id: str, facts: tuple[str, ...]) -> Household:
    """Read ``facts`` of every member of the person's household (each read logged), verified."""
    result = exchange.request(
        registry.ExchangeRequest(
            caller=CALLER, subject=person_id, facts=facts, purpose=PURPOSE, basis=f"consent:{consent_id}",
            on_behalf_of=f"citizen:{person_id}", household=True,
        )
    )  # fmt: skip
    carried = json.dumps(
        {"position": result.access_position, "unavailable": list(result.unavailable),
         "responses": [[r.agency, r.token] for r in result.responses]},
        separators=(",", ":"),
    )  # fmt: skip
    return _household(exchange, person_id, consent_id, result, carried)


def reverify(exchange: registry.Exchange, person_id: str, consent_id: str, carried: str) -> Household:
    """The household from responses carried through the form: every signature checked again, and every
    response must be for this citizen's consent — nothing is read twice, nothing can be slipped in."""
    try:
        data = json.loads(carried)
        result = registry.ExchangeResult(
            access_position=int(data["position"]),
            responses=tuple(registry.SignedResponse(str(a), str(t)) for a, t in data["responses"]),
            unavailable=tuple(str(u) for u in data["unavailable"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ApplyInvalid("신청 화면의 정보가 손상되었습니다. 처음부터 다시 시작해 주세요.") from error
    return _household(exchange, person_id, consent_id, result, carried)


def _household(
    exchange: registry.Exchange,
    person_id: str,
    consent_id: str,
    result: registry.ExchangeResult,
    carried: str,
) -> Household:
    try:
        people = registry.verify_household(
            result, exchange.keys.jwks(), audience=CALLER, basis=f"consent:{consent_id}"
        )
    except registry.ResponseInvalid as error:
        raise ApplyInvalid("기관이 보낸 정보를 확인하지 못했습니다. 처음부터 다시 시작해 주세요.") from error
    if person_id not in people:
        raise ApplyInvalid("신청하는 분의 정보가 없습니다. 처음부터 다시 시작해 주세요.")
    catalogue = registry.catalogue()
    pulled = {
        person: {name: _pulled(catalogue, value) for name, value in values.items()}
        for person, values in people.items()
    }
    own = pulled[person_id]
    return Household(
        applicant=person_id,
        consent_id=consent_id,
        members=_members(person_id, pulled),
        facts={name: fact for name, fact in own.items() if name.startswith("household.")},
        unavailable=result.unavailable,
        carried=carried,
    )


def _pulled(catalogue: registry.Catalogue, value: registry.FactValue) -> PulledFact:
    fact = catalogue.facts[value.name]
    return PulledFact(
        name=value.name, label=fact.label, value=value.value, shown=fact.display(value.value),
        agency=value.agency, agency_name=catalogue.agencies[value.agency].display,
    )  # fmt: skip


def _members(applicant: str, pulled: dict[str, dict[str, PulledFact]]) -> tuple[Member, ...]:
    own_relation = _value(pulled[applicant], "member.relation") or "self"
    counts: dict[str, int] = {}
    members = [_member(applicant, "me", "self", pulled[applicant])]
    for person, facts in pulled.items():
        if person == applicant:
            continue
        relation = _relation_to_applicant(own_relation, _value(facts, "member.relation") or "other")
        counts[relation] = counts.get(relation, 0) + 1
        member_id = "spouse" if relation == "spouse" else f"{relation}{counts[relation]}"
        members.append(_member(person, member_id, relation, facts))
    return tuple(members)


def _member(person: str, member_id: str, relation: str, facts: dict[str, PulledFact]) -> Member:
    name = _value(facts, "member.name") or "이름 모름"
    member_facts = {name_: fact for name_, fact in facts.items() if name_.startswith("member.")}
    return Member(person, member_id, relation, str(name), member_facts)


def _relation_to_applicant(applicant_to_head: str, member_to_head: str) -> str:
    if applicant_to_head == "self":
        return member_to_head if member_to_head != "self" else "other"
    if applicant_to_head == "spouse":
        return _FROM_SPOUSE.get(member_to_head, "other")
    if applicant_to_head == "child":
        return _FROM_CHILD.get(member_to_head, "other")
    return "other"


def _value(facts: dict[str, PulledFact], name: str) -> Any:
    fact = facts.get(name)
    return fact.value if fact is not None else None
