"""What a reply carries: the text, and the data it was made from, for pages and the API to show."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from nara.assistant.templates import HANDOFF_NAME, HANDOFF_PHONE


@dataclass(frozen=True)
class ServiceItem:
    """A service in a reply, taken verbatim from the engine's result or the catalog's card."""

    service_id: str
    name: str
    status: str | None  # eligible | undetermined | ineligible (the engine's), None when not evaluated
    amount: str | None = None  # the engine's amount with its period ("매달 34만 2,510원")
    reasons: tuple[str, ...] = ()  # the engine's reason sentences that hold whatever is still unknown
    agency: str | None = None  # from the catalog


@dataclass(frozen=True)
class Source:
    service_id: str
    kind: str  # law (the rule's legal basis) | agency (the catalog's responsible agency)
    text: str


@dataclass(frozen=True)
class Handoff:
    """Where a person can help: the government's general call centre."""

    name: str = HANDOFF_NAME
    phone: str = HANDOFF_PHONE


@dataclass(frozen=True)
class Reply:
    text: str  # Korean, from templates only
    intent: str
    confidence: float
    services: tuple[ServiceItem, ...] = ()
    question: str | None = None  # the one question asked, when the engine needs a fact
    sources: tuple[Source, ...] = ()
    handoff: Handoff | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
