"""What the search index stores for a service: its terms and its vectors (computed at write time)."""

from __future__ import annotations

import hashlib

from nara.catalog.schemas import ServiceCreate
from nara.catalog.search import encoder, text
from nara.catalog.taxonomy import LifeEvent

_LEXICAL_TEXT_LIMIT = 600


def content_hash(service: ServiceCreate) -> str:
    """A fingerprint of everything a service says; equal hashes mean nothing to re-index."""
    return hashlib.sha256(service.model_dump_json().encode("utf-8")).hexdigest()


def lexical_text(service: ServiceCreate) -> str:
    """The text BM25 indexes: the name twice, then what the service is about."""
    parts = [
        service.name,
        service.name,
        service.agency,
        service.field.value,
        " ".join(LifeEvent(e).label for e in service.life_events),
        service.summary,
        service.eligibility[:_LEXICAL_TEXT_LIMIT],
        service.benefit[:_LEXICAL_TEXT_LIMIT],
        *service.example_questions,
    ]
    return "\n".join(p for p in parts if p)


def dense_texts(service: ServiceCreate) -> list[str]:
    """The sentences whose vectors stand for a service: its name with summary, then example questions."""
    head = f"{service.name}. {service.summary}".strip()
    return [head, *service.example_questions]


def search_terms_many(services: list[ServiceCreate]) -> list[str]:
    """Space-joined search terms of each service."""
    return [" ".join(t) for t in text.terms_many([lexical_text(s) for s in services])]


def embeddings_many(services: list[ServiceCreate]) -> list[bytes]:
    """Packed vectors of each service, encoded in one batch."""
    texts = [dense_texts(s) for s in services]
    flat = [t for group in texts for t in group]
    vectors = encoder.encode(flat)
    packed: list[bytes] = []
    start = 0
    for group in texts:
        packed.append(encoder.to_bytes(vectors[start : start + len(group)]))
        start += len(group)
    return packed
