"""The in-memory search index: lexical, dense and hybrid ranking with filters."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import bm25s
import numpy as np
import numpy.typing as npt

from nara.catalog.regions import place_names
from nara.catalog.schemas import SearchFilters, ServiceCard, ServiceOrigin
from nara.catalog.search import encoder, text
from nara.catalog.taxonomy import AgencyType, LifeEvent, UserType

Scores = npt.NDArray[np.float64]
# Fusion settings, chosen on the evaluation set and checked on the held-out set (docs/domains/catalog.md).
_EXPANSION_WEIGHT = 0.4  # thesaurus terms count less than the citizen's own words
_DENSE_WEIGHT = 0.7  # USE v3 is weaker than BM25 on Korean service text; it fills lexical gaps
_DENSE_CONFIDENT_AT = (0.35, 0.75)  # best cosine similarity mapped to confidence 0 … 1
_RELEVANCE_FLOOR = 0.2  # fused scores below this are not results
_STANDING_WEIGHT = 0.5  # much-viewed and curated services first (see _standing)
_REACH_WEIGHT = 0.4  # services the citizen can use where they live before other regions' own
_FLOOR_SAMPLE = 1024  # services sampled for the median similarity that dense scores are scaled from


class SearchMode(StrEnum):
    LEXICAL = "lexical"
    DENSE = "dense"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class IndexEntry:
    """What the index keeps of one service."""

    card: ServiceCard
    terms: list[str]
    vector: encoder.Vectors  # one unit vector, shape (1, DIMENSIONS)
    view_count: int


@dataclass(frozen=True)
class Ranked:
    """One ranked service with the scores that placed it."""

    card: ServiceCard
    score: float


@dataclass(frozen=True)
class Hits:
    """How many services a search found, and the requested slice of them."""

    total: int
    ranked: list[Ranked]


class SearchIndex:
    """Ranks services for a query; built once from stored terms and vectors, then read-only."""

    def __init__(self, entries: Sequence[IndexEntry]) -> None:
        self.cards = [entry.card for entry in entries]
        self.size = len(entries)
        self._term_sets = [frozenset(entry.terms) for entry in entries]
        self._document_frequency = Counter(t for terms in self._term_sets for t in terms)
        self._bm25 = bm25s.BM25()
        if entries:
            self._bm25.index([entry.terms or ["\u2205"] for entry in entries], show_progress=False)
        self._vectors = (
            np.concatenate([entry.vector for entry in entries])
            if entries
            else np.zeros((0, encoder.DIMENSIONS), dtype=np.float32)
        )
        self._standing = _standing(entries)
        self._masks = _FilterMasks(self.cards)
        text.terms("준비")  # load the analyser and the encoder now, not on the first citizen's query
        encoder.encode(["준비"])

    def search(
        self, query: str, filters: SearchFilters | None = None, mode: SearchMode = SearchMode.HYBRID
    ) -> list[Ranked]:
        """Every service matching the filters that the query finds, best first."""
        return self.hits(query, filters, mode).ranked

    def hits(
        self,
        query: str,
        filters: SearchFilters | None = None,
        mode: SearchMode = SearchMode.HYBRID,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> Hits:
        """How many services match, and the ranked slice ``offset`` … ``offset + limit`` of them."""
        filters = filters or SearchFilters()
        mask = self._masks.mask(filters)
        query = text.clean_query(query)
        prior = self._prior(filters, query)
        if not query:
            return self._slice(prior, mask, offset, limit)
        if mode is SearchMode.LEXICAL:
            scores, _ = self._lexical(query)
        elif mode is SearchMode.DENSE:
            scores, _ = self._dense(query)
        else:
            scores = self._hybrid(query, prior)
        return self._slice(scores, mask & (scores > 0), offset, limit)

    def _slice(self, scores: Scores, eligible: npt.NDArray[np.bool_], offset: int, limit: int | None) -> Hits:
        positions = np.flatnonzero(eligible)
        wanted = len(positions) if limit is None else min(offset + limit, len(positions))
        if wanted < len(positions):  # only the top of the ranking is sorted
            positions = (
                positions[np.argpartition(-scores[positions], wanted - 1)[:wanted]]
                if wanted
                else positions[:0]
            )
        order = positions[np.argsort(-scores[positions], kind="stable")][offset:wanted]
        ranked = [Ranked(self.cards[i], float(scores[i])) for i in order]
        return Hits(total=int(np.count_nonzero(eligible)), ranked=ranked)

    def _lexical(self, query: str) -> tuple[Scores, float]:
        """BM25 scores scaled to [0, 1], and how confident the lexical match is."""
        query_terms, expansions = text.query_terms(query)
        known = [t for t in query_terms if t in self._document_frequency]
        extra = [t for t in expansions if t in self._document_frequency and t not in query_terms]
        if not (known or extra) or self.size == 0:
            return np.zeros(self.size), 0.0
        scores = np.zeros(self.size)
        if known:
            scores += np.asarray(self._bm25.get_scores(known), dtype=np.float64)
        if extra:
            scores += _EXPANSION_WEIGHT * np.asarray(self._bm25.get_scores(extra), dtype=np.float64)
        best = float(scores.max())
        if best <= 0:
            return np.zeros(self.size), 0.0
        top = int(scores.argmax())
        return scores / best, self._coverage(query_terms or extra, self._term_sets[top])

    def _coverage(self, query_terms: list[str], document_terms: frozenset[str]) -> float:
        """IDF-weighted share of the query's terms the document contains (unknown terms weigh most)."""
        weights = {t: self._idf(t) for t in query_terms}
        total = sum(weights.values())
        covered = sum(w for t, w in weights.items() if t in document_terms)
        return covered / total if total else 0.0

    def _idf(self, term: str) -> float:
        frequency = self._document_frequency.get(term, 0)
        return math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))

    def _dense(self, query: str) -> tuple[Scores, float]:
        """Cosine similarity of each service to the query, scaled to [0, 1], and how confident it is."""
        if self.size == 0:
            return np.zeros(0), 0.0
        per_service = (self._vectors @ encoder.encode_query(query)).astype(np.float64)
        best = float(per_service.max())
        floor = float(np.median(per_service[:: max(1, self.size // _FLOOR_SAMPLE)]))  # a sample is enough
        if best <= floor:
            return np.zeros(self.size), 0.0
        scaled = np.clip((per_service - floor) / (best - floor), 0.0, 1.0)
        low, high = _DENSE_CONFIDENT_AT
        confidence = _DENSE_WEIGHT * float(np.clip((best - low) / (high - low), 0.05, 1.0))
        return scaled, confidence

    def _prior(self, filters: SearchFilters, query: str) -> Scores:
        """A preference for established services the citizen can use where they live: national ones,
        local ones of the region they chose, and local ones of a place the query names ("부산 출산")."""
        reach = self._masks.reachable(filters.region) | self._masks.named_places(query)
        prior: Scores = _STANDING_WEIGHT * self._standing + _REACH_WEIGHT * reach.astype(np.float64)
        return prior

    def _hybrid(self, query: str, prior: Scores) -> Scores:
        """Lexical and dense scores fused, each weighted by its own confidence, plus the prior for what passes."""
        lexical, lexical_confidence = self._lexical(query)
        dense, dense_confidence = self._dense(query)
        weight = lexical_confidence + dense_confidence
        if weight <= 0:
            return np.zeros(self.size)
        fused = (lexical_confidence * lexical + dense_confidence * dense) / weight
        return np.where(fused > _RELEVANCE_FLOOR, fused + prior, 0.0)


def _standing(entries: Sequence[IndexEntry]) -> Scores:
    """How established each service is, in [0, 0.8]: much viewed (0.5) and curated by Nara (0.3)."""
    if not entries:
        return np.zeros(0)
    views = np.log1p(np.array([entry.view_count for entry in entries], dtype=np.float64))
    popularity = views / max(float(views.max()), 1.0)
    curated = np.array([entry.card.origin is ServiceOrigin.CURATED for entry in entries], dtype=np.float64)
    standing: Scores = 0.5 * popularity + 0.3 * curated
    return standing


class _FilterMasks:
    """Precomputed boolean columns for every filter value."""

    def __init__(self, cards: Sequence[ServiceCard]) -> None:
        self._size = len(cards)
        self._field = np.array([card.field.value for card in cards], dtype=object)
        self._agency_type = np.array([card.agency_type.value for card in cards], dtype=object)
        self._region = np.array([card.region or "" for card in cards], dtype=object)
        self._national = np.array([card.agency_type is not AgencyType.LOCAL for card in cards], dtype=bool)
        self._places = _place_masks(cards)
        self._user_type = {u: np.array([u in c.user_types for c in cards], dtype=bool) for u in UserType}
        self._life_event = {e: np.array([e in c.life_events for c in cards], dtype=bool) for e in LifeEvent}

    def reachable(self, region: str | None) -> npt.NDArray[np.bool_]:
        """Services a citizen of ``region`` can use: national ones, and that region's own."""
        return self._national | (self._region == region) if region else self._national

    def named_places(self, query: str) -> npt.NDArray[np.bool_]:
        """Local services of every place the query names at the start of a word."""
        found = np.zeros(self._size, dtype=bool)
        for word in query.split():
            for place, services in self._places.get(word[:2], ()):
                if word.startswith(place):
                    found |= services
        return found

    def mask(self, filters: SearchFilters) -> npt.NDArray[np.bool_]:
        mask = np.ones(self._size, dtype=bool)
        if filters.field:
            mask &= self._field == filters.field.value
        if filters.agency_type:
            mask &= self._agency_type == filters.agency_type.value
        if filters.user_type:
            mask &= self._user_type[filters.user_type]
        if filters.life_event:
            mask &= self._life_event[filters.life_event]
        if filters.region:
            mask &= (self._region == "") | (self._region == filters.region)
        return mask


def _place_masks(cards: Sequence[ServiceCard]) -> dict[str, list[tuple[str, npt.NDArray[np.bool_]]]]:
    """Place word → the local services of that place, grouped by the word's first two letters."""
    members: dict[str, list[int]] = {}
    for position, card in enumerate(cards):
        if card.agency_type is AgencyType.LOCAL:
            for name in place_names(card.agency):
                members.setdefault(name, []).append(position)
    grouped: dict[str, list[tuple[str, npt.NDArray[np.bool_]]]] = {}
    for name, positions in members.items():
        services = np.zeros(len(cards), dtype=bool)
        services[positions] = True
        grouped.setdefault(name[:2], []).append((name, services))
    return grouped
