"""Search quality, measured: top-1, top-5 and MRR over written colloquial queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import yaml
from pydantic import BaseModel, Field

from nara.catalog.search.index import SearchIndex, SearchMode

_RANK_LIMIT = 10


class EvaluationQuery(BaseModel):
    """A citizen's question and the services a caseworker would point to."""

    query: str = Field(min_length=1)
    expected: list[str] = Field(min_length=1)


@dataclass
class Metrics:
    mode: SearchMode
    queries: int
    top1: float
    top5: float
    mrr: float
    misses: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.mode.value:8} top-1 {self.top1:.3f}  top-5 {self.top5:.3f}  MRR {self.mrr:.3f}  (질문 {self.queries}개)"


EVALUATION_SETS = {
    "main": "search_eval.yaml",  # the set the fusion settings were chosen on
    "holdout": "search_eval_holdout.yaml",  # written without seeing the search code; never tuned on
}


def load_queries(name: str = "main") -> list[EvaluationQuery]:
    """An evaluation set shipped in ``seed/`` (see EVALUATION_SETS)."""
    raw = resources.files("nara.catalog").joinpath("seed", EVALUATION_SETS[name]).read_text("utf-8")
    return [EvaluationQuery.model_validate(item) for item in yaml.safe_load(raw)]


def national_only(index: SearchIndex, queries: list[EvaluationQuery]) -> list[EvaluationQuery]:
    """The queries whose expected services are all in ``index`` (to evaluate any loaded catalog)."""
    present = {card.id for card in index.cards}
    return [q for q in queries if set(q.expected) <= present]


def first_hit_rank(index: SearchIndex, query: EvaluationQuery, mode: SearchMode) -> int | None:
    """1-based rank of the first expected service in the top ten, or None."""
    wanted = set(query.expected)
    for rank, ranked in enumerate(index.search(query.query, mode=mode)[:_RANK_LIMIT], start=1):
        if ranked.card.id in wanted:
            return rank
    return None


def evaluate(index: SearchIndex, queries: list[EvaluationQuery], mode: SearchMode) -> Metrics:
    """Quality of one retrieval mode over the evaluation set."""
    ranks = [first_hit_rank(index, q, mode) for q in queries]
    count = max(len(queries), 1)
    return Metrics(
        mode=mode,
        queries=len(queries),
        top1=sum(1 for r in ranks if r == 1) / count,
        top5=sum(1 for r in ranks if r is not None and r <= 5) / count,
        mrr=sum(1 / r for r in ranks if r is not None) / count,
        misses=[q.query for q, r in zip(queries, ranks, strict=True) if r is None or r > 5],
    )


def evaluate_all(index: SearchIndex, queries: list[EvaluationQuery]) -> list[Metrics]:
    """Lexical only, dense only, and hybrid."""
    return [evaluate(index, queries, mode) for mode in SearchMode]
