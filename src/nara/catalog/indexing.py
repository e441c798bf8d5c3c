"""What the search index stores for a service: its terms and its vectors (computed at write time)."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from nara.catalog.regions import place_names
from nara.catalog.schemas import ServiceCreate
from nara.catalog.search import encoder, text
from nara.catalog.taxonomy import AgencyType, LifeEvent

_LEXICAL_TEXT_LIMIT = 250  # the opening of eligibility and benefit text carries the terms that matter
# Part of every content hash: raise it when what is indexed changes, and the next import re-indexes all.
INDEXING_VERSION = "6"


def content_hash(service: ServiceCreate) -> str:
    """A fingerprint of everything a service says; equal hashes mean nothing to re-index."""
    fingerprint = INDEXING_VERSION + service.model_dump_json()
    return hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()


def _body(service: ServiceCreate) -> str:
    """What a service is about, for BM25: summary, the opening of eligibility and benefit, example questions."""
    parts = [
        service.summary,
        service.eligibility[:_LEXICAL_TEXT_LIMIT],
        service.benefit[:_LEXICAL_TEXT_LIMIT],
        *service.example_questions,
    ]
    return "\n".join(p for p in parts if p)


@lru_cache(maxsize=8192)
def _label_terms(label: str) -> tuple[str, ...]:
    """Terms of a short label repeated across many services (agency, field, life event), analysed once."""
    return tuple(text.terms(label))


def search_terms_many(services: list[ServiceCreate]) -> list[str]:
    """Space-joined search terms of each service: its name counts twice, then its labels and body."""
    analysed = text.terms_many([t for s in services for t in (s.name, _body(s))])
    joined: list[str] = []
    for position, service in enumerate(services):
        name, body = analysed[2 * position], analysed[2 * position + 1]
        labels = [service.agency, service.field.value, *(LifeEvent(e).label for e in service.life_events)]
        if service.agency_type is AgencyType.LOCAL:
            labels.extend(sorted(place_names(service.agency)))
        label_terms = [t for label in labels for t in _label_terms(label)]
        joined.append(" ".join([*name, *name, *label_terms, *body]))
    return joined


def dense_text(service: ServiceCreate) -> str:
    """The text whose vector stands for a service: its name and summary.

    Adding the opening of eligibility and benefit lifts hybrid top-5 on the full catalog only from 0.895 to
    0.919 (main set; none on the held-out set) but makes the 10k import 70 % slower, so it is left out.
    """
    return f"{service.name}. {service.summary}".strip()


def embeddings_many(services: list[ServiceCreate]) -> list[bytes]:
    """One packed unit vector per service, encoded in one batch."""
    vectors = encoder.encode([dense_text(s) for s in services])
    return [encoder.to_bytes(vectors[i : i + 1]) for i in range(len(services))]
