"""The exchange (정보 공동이용): the only way to read a registry.

``request(caller, subject, facts, purpose, basis)`` checks the basis — a legal article from the
catalogue (``law:<id>``) or the citizen's consent (``consent:<id>``) — records the access in the
access log and commits that record *before* any registry is read (so no read is ever unlogged), then
reads each registry that holds some of the facts and returns one response per registry, signed with that
agency's key (compact JWS, Ed25519). A refused request is recorded too, then raised.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from nara import audit, consent
from nara.kernel.db import transaction
from nara.kernel.errors import NaraError
from nara.kernel.signing import SignatureInvalid, SigningKey, read_jws
from nara.registry.catalogue import Catalogue, Fact
from nara.registry.errors import ExchangeRefused, ResponseInvalid, SubjectNotFound, UnknownFact
from nara.registry.keys import AgencyKeys
from nara.registry.storage import RegistryStore

RESPONSE_TYPE = "nara-registry-response+jwt"


@dataclass(frozen=True)
class ExchangeRequest:
    caller: str  # official:<agency>:<id> | agency:<code> | third_party:<client> | nara:<part> | citizen:<id>
    subject: str
    facts: tuple[str, ...]
    purpose: str
    basis: str  # law:<basis id> | consent:<consent id>
    on_behalf_of: str | None = None
    case_ref: str | None = None
    household: bool = False  # read the facts of every member of the subject's household (세대원), each logged


@dataclass(frozen=True)
class SignedResponse:
    agency: str
    token: str


@dataclass(frozen=True)
class FactValue:
    name: str
    value: Any
    agency: str  # the registry that signed it


@dataclass(frozen=True)
class ExchangeResult:
    access_position: int  # the access-log record of this read (of the subject's, for a household read)
    responses: tuple[SignedResponse, ...]
    access_positions: tuple[int, ...] = ()  # one record per person read
    unavailable: tuple[str, ...] = ()  # registries that did not answer (their facts are missing, not refused)


class Exchange:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        store: RegistryStore,
        keys: AgencyKeys,
        *,
        checkpoint_key: SigningKey | None = None,
        checkpoint_every: int = 1000,
    ) -> None:
        """``checkpoint_key``: sign the access log's head every ``checkpoint_every`` records."""
        self.sessions = sessions
        self.store = store
        self.keys = keys
        self.catalogue: Catalogue = store.catalogue
        self.checkpoint_key = checkpoint_key
        self.checkpoint_every = checkpoint_every

    def request(self, request: ExchangeRequest) -> ExchangeResult:
        refusal: NaraError | None = None
        persons = [request.subject]
        with transaction(self.sessions) as session:
            try:
                facts = self._facts(request.facts)
                self._authorise(session, request, facts)
                if request.household:
                    persons = self.store.household_of(request.subject) or persons
            except (ExchangeRefused, UnknownFact, consent.ConsentRefused) as error:
                refusal = error
            outcome = "refused" if refusal else "granted"
            positions = [audit.record_access(session, _event(request, outcome, person)) for person in persons]
            if self.checkpoint_key is not None and any(p % self.checkpoint_every == 0 for p in positions):
                audit.write_checkpoint(session, self.checkpoint_key)
        if refusal is not None:
            raise refusal  # recorded and committed first
        responses: list[SignedResponse] = []
        unavailable: set[str] = set()
        for person, position in zip(persons, positions, strict=True):
            responses += self._read(request, person, facts, position, unavailable)
        return ExchangeResult(positions[0], tuple(responses), tuple(positions), tuple(sorted(unavailable)))

    def _facts(self, names: tuple[str, ...]) -> list[Fact]:
        unknown = sorted(set(names) - set(self.catalogue.facts))
        if unknown or not names:
            raise UnknownFact(f"정보 목록에 없는 정보입니다: {', '.join(unknown) or '(없음)'}", facts=unknown)
        return [self.catalogue.facts[name] for name in dict.fromkeys(names)]

    def _authorise(self, session: Session, request: ExchangeRequest, facts: list[Fact]) -> None:
        kind, _, reference = request.basis.partition(":")
        if kind == "consent":
            consent.check(
                session,
                reference,
                subject=request.subject,
                recipient=request.caller,
                purpose=request.purpose,
                facts=[fact.name for fact in facts],
            )
            return
        if kind != "law":
            raise ExchangeRefused(
                "exchange.no_basis", "근거 법령(law:…)이나 본인 동의(consent:…)가 있어야 합니다."
            )
        if request.caller.startswith("official:") and not request.case_ref:
            raise ExchangeRefused(
                "exchange.no_case", "공무원은 처리 중인 사건(case_ref)에 연결해서만 정보를 볼 수 있습니다."
            )
        basis = self.catalogue.legal_bases.get(reference)
        if basis is None:
            raise ExchangeRefused("exchange.unknown_basis", f"정보 목록에 없는 근거입니다: {reference}")
        if request.purpose not in basis.purposes:
            raise ExchangeRefused(
                "exchange.basis_not_for_purpose",
                f"{basis.title}은(는) '{self.catalogue.purpose_label(request.purpose)}' 목적의 근거가 아닙니다.",
            )
        if not basis.allows_caller(request.caller, request.subject):
            raise ExchangeRefused(
                "exchange.caller_not_allowed", f"{basis.title}은(는) {request.caller}에게 허용되지 않습니다."
            )
        beyond = [fact.label for fact in facts if not basis.covers_fact(fact)]
        if beyond:
            raise ExchangeRefused(
                "exchange.fact_not_covered", f"{basis.title}의 범위 밖의 정보입니다: {', '.join(beyond)}"
            )

    def _read(
        self, request: ExchangeRequest, person: str, facts: list[Fact], position: int, unavailable: set[str]
    ) -> list[SignedResponse]:
        by_registry: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            by_registry[fact.registry].append(fact)
        if "resident" not in by_registry and not self.store.knows(person):
            raise SubjectNotFound(f"{person}: 주민등록에 없는 사람입니다.")
        responses = []
        for agency, held in sorted(by_registry.items(), key=lambda item: item[0] != "resident"):
            try:
                values = self.store.read(agency, person, held)
            except SQLAlchemyError:
                if agency == "resident":
                    raise
                unavailable.add(agency)  # that registry is down: its facts are missing, the others still answer
                continue
            if values is None and agency == "resident":  # read first: its answer says whether they exist
                raise SubjectNotFound(f"{person}: 주민등록에 없는 사람입니다.")
            payload = {
                "iss": f"nara:registry:{agency}",
                "aud": request.caller,
                "sub": person,
                "iat": int(time.time()),
                "jti": f"{position}:{agency}",
                "access_log_position": position,
                "purpose": request.purpose,
                "basis": request.basis,
                "facts": values if values is not None else {fact.name: None for fact in held},
            }
            responses.append(SignedResponse(agency, self.keys.key(agency).sign_jws(payload, RESPONSE_TYPE)))
        return responses


def open_exchange(
    sessions: sessionmaker[Session], registry_url: str, keys_dir: Path, audit_key: SigningKey | None = None
) -> Exchange:
    """The exchange over the registries at ``registry_url`` with agency keys from ``keys_dir``;
    with ``audit_key`` it signs an access-log checkpoint every 1,000 records."""
    store = RegistryStore(registry_url)
    keys = AgencyKeys(keys_dir, list(store.catalogue.agencies))
    return Exchange(sessions, store, keys, checkpoint_key=audit_key)


def verify_responses(result: ExchangeResult, jwks: Mapping[str, Any]) -> dict[str, FactValue]:
    """Every fact in the responses, each checked against its agency's published key; raises on any doubt."""
    values: dict[str, FactValue] = {}
    for _person, value in _verified(result, jwks):
        values[value.name] = value
    return values


def verify_household(
    result: ExchangeResult, jwks: Mapping[str, Any], *, audience: str | None = None, basis: str | None = None
) -> dict[str, dict[str, FactValue]]:
    """The facts of a household read, per person (the subject first), each checked like verify_responses;
    with ``audience``/``basis``, every response must also have been given to that caller on that basis."""
    people: dict[str, dict[str, FactValue]] = {}
    for person, value in _verified(result, jwks, audience, basis):
        people.setdefault(person, {})[value.name] = value
    return people


def _verified(
    result: ExchangeResult, jwks: Mapping[str, Any], audience: str | None = None, basis: str | None = None
) -> Iterator[tuple[str, FactValue]]:
    keys = {key["kid"]: key for key in jwks["keys"]}
    for response in result.responses:
        try:
            header, payload = read_jws(response.token, keys, RESPONSE_TYPE)
        except SignatureInvalid as error:
            raise ResponseInvalid(f"{response.agency}: {error}") from error
        agency = keys[header["kid"]]["agency"]
        if payload.get("iss") != f"nara:registry:{agency}":
            raise ResponseInvalid(f"{agency}의 키로 다른 기관({payload.get('iss')})의 응답에 서명했습니다.")
        if audience is not None and payload.get("aud") != audience:
            raise ResponseInvalid(f"{agency}: {audience}에게 준 응답이 아닙니다.")
        if basis is not None and payload.get("basis") != basis:
            raise ResponseInvalid(f"{agency}: {basis}에 따라 준 응답이 아닙니다.")
        for name, value in payload["facts"].items():
            yield str(payload["sub"]), FactValue(name, value, agency)


def _event(request: ExchangeRequest, outcome: str, person: str) -> audit.AccessEvent:
    return audit.AccessEvent(
        actor=request.caller,
        subject=person,
        facts=request.facts,
        purpose=request.purpose,
        basis=request.basis,
        outcome=outcome,
        on_behalf_of=request.on_behalf_of,
        case_ref=request.case_ref,
    )
