"""Screening rules from the national catalog's support conditions (JA codes), for all ~10,000 services.

A screening rule holds necessary conditions only (sex, age range, median-income bracket, personal and
household traits): "eligible" from it means 받을 가능성이 있어요, never a decision. The rules are indexed
as columns (one row per service), so one person is screened against every service with a few vector
operations instead of walking 10,000 rules.

JA semantics relied on (observed in the data, see docs/domains/rules.md): within each group the flags
form an inclusion set; a group with every flag (or none) set does not restrict; JA0322 / JA0410
(해당사항없음) admit a person or household with none of the group's traits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nara.rules.evaluate import EligibilityResult, Status
from nara.rules.facts import full_years
from nara.rules.parameters import parameters
from nara.rules.situation import Situation
from nara.rules.traits import (
    HOUSEHOLD_CODES,
    HOUSEHOLD_NONE,
    PERSONAL_CODES,
    PERSONAL_NONE,
    TRAIT_LABELS,
    TraitValue,
    household_traits,
    personal_traits,
)
from nara.rules.truth import Truth

Mask = npt.NDArray[np.bool_]
INCOME_CODES = ("JA0201", "JA0202", "JA0203", "JA0204", "JA0205")
_BRACKET_TOPS = (0.5, 0.75, 1.0, 2.0)  # 중위소득 0~50 %, ~75 %, ~100 %, ~200 %, over 200 %
_BRACKET_LABELS = ("중위소득 50% 이하", "51~75%", "76~100%", "101~200%", "200% 초과")
_NOTICE = "지원 조건(성별·나이·소득 구간·특성)만 본 결과예요. 실제 선정은 담당 기관이 판단해요."


@dataclass(frozen=True)
class ScreeningSource:
    """A service of the national catalog with its support conditions."""

    service_id: str
    name: str
    conditions: dict[str, Any]


@dataclass
class _Criterion:
    """Definitely met (yes), definitely not (no), or unknown (neither), for every service."""

    yes: Mask
    no: Mask
    missing: frozenset[str]
    sentence_yes: str = ""
    sentence_no: str = ""
    # for trait groups: the facts behind each trait, and which traits matter to each service
    trait_facts: tuple[frozenset[str], ...] = ()
    relevant: Mask | None = None

    def missing_for(self, i: int) -> frozenset[str]:
        """The facts that could settle this criterion for service ``i``."""
        if self.relevant is None:
            return self.missing
        return frozenset().union(*(f for f, r in zip(self.trait_facts, self.relevant[i], strict=True) if r))


class ScreeningBook:
    """All screening rules as columns; ``screen`` evaluates one situation against every one of them."""

    def __init__(self, sources: Sequence[ScreeningSource]) -> None:
        self.sources = list(sources)
        n = len(self.sources)
        rows = [s.conditions for s in self.sources]
        male = np.array([r.get("JA0101") == "Y" for r in rows], dtype=bool)
        female = np.array([r.get("JA0102") == "Y" for r in rows], dtype=bool)
        self._sex_rule = male != female  # exactly one sex flagged
        self._male_only = self._sex_rule & male
        self._age_lo = np.array([_number(r.get("JA0110")) for r in rows], dtype=np.float64)
        self._age_hi = np.array([_number(r.get("JA0111")) for r in rows], dtype=np.float64)
        self._income, self._income_rule = _group(rows, INCOME_CODES, n)
        self._personal, self._personal_rule = _group(rows, PERSONAL_CODES, n)
        self._personal_none = np.array([r.get(PERSONAL_NONE) == "Y" for r in rows], dtype=bool)
        self._household, self._household_rule = _group(rows, HOUSEHOLD_CODES, n)
        self._household_none = np.array([r.get(HOUSEHOLD_NONE) == "Y" for r in rows], dtype=bool)
        # as numbers, for matrix-vector products (one BLAS call instead of a services × traits temporary),
        # and which traits matter to each service: a flagged one, or any when "none of these" admits
        self._weights = {
            id(self._personal): self._personal.astype(np.float32),
            id(self._household): self._household.astype(np.float32),
        }
        self._relevant = {
            id(self._personal): self._personal | self._personal_none[:, None],
            id(self._household): self._household | self._household_none[:, None],
        }
        self.size = n

    def screen(self, situation: Situation) -> Screening:
        """Every service screened for the situation's subject; results are built only when asked for."""
        criteria = [
            self._sex(situation),
            self._age(situation),
            self._income_bracket(situation),
            self._traits(
                personal_traits(situation),
                PERSONAL_CODES,
                self._personal,
                self._personal_rule,
                self._personal_none,
                "개인 특성",
            ),
            self._traits(
                household_traits(situation),
                HOUSEHOLD_CODES,
                self._household,
                self._household_rule,
                self._household_none,
                "가구 특성",
            ),
        ]
        no = np.logical_or.reduce([c.no for c in criteria])
        yes = np.logical_and.reduce([c.yes for c in criteria]) & ~no
        return Screening(self, criteria, yes, no)

    def result(self, i: int, criteria: list[_Criterion], yes: bool, no: bool) -> EligibilityResult:
        """The screening result of service ``i``, with its explanation and missing facts."""
        status = Status.ELIGIBLE if yes else Status.INELIGIBLE if no else Status.UNDETERMINED
        missing: set[str] = set()
        sentences: list[str] = []
        for c in criteria:
            if c.no[i]:
                sentences.append(c.sentence_no)
            elif c.yes[i]:
                if c.sentence_yes and not no:
                    sentences.append(c.sentence_yes)
            elif not no:
                missing |= c.missing_for(i)
        source = self.sources[i]
        return EligibilityResult(
            service_id=source.service_id,
            name=source.name,
            status=status,
            amount=None,
            missing_facts=sorted(missing) if status is Status.UNDETERMINED else [],
            notes=(*(s for s in sentences if s), _NOTICE),
            reasons=[],
            legal_basis=[],
            rule_kind="screening",
        )

    def _sex(self, situation: Situation) -> _Criterion:
        me = situation.member(situation.subject)
        if me.sex is None:
            return _Criterion(~self._sex_rule, np.zeros(self.size, bool), frozenset({f"members.{me.id}.sex"}))
        male = me.sex.value == "male"
        ok = ~self._sex_rule | (self._male_only == male)
        return _Criterion(ok, ~ok, frozenset(), "", "성별 조건에 맞지 않아요.")

    def _age(self, situation: Situation) -> _Criterion:
        me = situation.member(situation.subject)
        rule = ~np.isnan(self._age_lo) | ~np.isnan(self._age_hi)
        if me.birth_date is None:
            return _Criterion(~rule, np.zeros(self.size, bool), frozenset({f"members.{me.id}.birth_date"}))
        age = full_years(me.birth_date, situation.on)
        low = np.nan_to_num(self._age_lo, nan=0)
        high = np.nan_to_num(self._age_hi, nan=200)
        ok = ~rule | ((low <= age) & (age <= high))
        return _Criterion(
            ok,
            ~ok,
            frozenset(),
            f"나이 {age}세가 대상 나이에 들어요.",
            f"나이 {age}세가 대상 나이가 아니에요.",
        )

    def _income_bracket(self, situation: Situation) -> _Criterion:
        income = situation.household.income_recognised_monthly
        if income is None:
            return _Criterion(
                ~self._income_rule,
                np.zeros(self.size, bool),
                frozenset({"household.income_recognised_monthly"}),
            )
        median = parameters()["median_income"].at(situation.on, len(situation.members))
        if not median:
            return _Criterion(~self._income_rule, np.zeros(self.size, bool), frozenset())
        ratio = income / median
        bracket = next((b for b, top in enumerate(_BRACKET_TOPS) if ratio <= top), len(_BRACKET_TOPS))
        ok = ~self._income_rule | self._income[:, bracket]
        share = f"기준중위소득 대비 {ratio:.0%}({_BRACKET_LABELS[bracket]})"
        return _Criterion(
            ok,
            ~ok,
            frozenset(),
            f"소득이 {share}로 대상 구간이에요.",
            f"소득이 {share}로 대상 구간이 아니에요.",
        )

    def _traits(
        self,
        values: dict[str, TraitValue],
        codes: tuple[str, ...],
        allowed: Mask,
        rule: Mask,
        none_ok: Mask,
        group: str,
    ) -> _Criterion:
        true = np.array([values[c][0] is Truth.TRUE for c in codes], dtype=bool)
        false = np.array([values[c][0] is Truth.FALSE for c in codes], dtype=bool)
        has_none = bool(false.all())
        maybe_none = not true.any()
        weights = self._weights[id(allowed)]
        holds_a_flagged = (weights @ true.astype(np.float32)) > 0
        may_hold_a_flagged = (weights @ (~false).astype(np.float32)) > 0
        yes = ~rule | holds_a_flagged | (none_ok & has_none)
        no = rule & ~may_hold_a_flagged & ~(none_ok & maybe_none)
        facts = tuple(values[c][1] if values[c][0] is Truth.UNKNOWN else frozenset() for c in codes)
        relevant = self._relevant[id(allowed)]
        held = [TRAIT_LABELS[c] for c, t in zip(codes, true, strict=True) if t]
        said = f"{group}({', '.join(held)})" if held else group
        return _Criterion(
            yes, no, frozenset().union(*facts), "", f"{said}이 대상 조건에 맞지 않아요.", facts, relevant
        )


class Screening:
    """One situation screened against every service: statuses as arrays, results on demand."""

    def __init__(self, book: ScreeningBook, criteria: list[_Criterion], yes: Mask, no: Mask) -> None:
        self._book, self._criteria = book, criteria
        self.eligible, self.ineligible = yes, no
        self.undetermined = ~yes & ~no

    def results(
        self, statuses: Sequence[Status] = tuple(Status), limit: int | None = None
    ) -> list[EligibilityResult]:
        """The results with the given statuses, in the order of the book's sources (the first ``limit``:
        only those are built, so a page of 20 does not pay for thousands)."""
        masks = {
            Status.ELIGIBLE: self.eligible,
            Status.INELIGIBLE: self.ineligible,
            Status.UNDETERMINED: self.undetermined,
        }
        wanted = (
            np.logical_or.reduce([masks[s] for s in statuses])
            if statuses
            else np.zeros(self._book.size, bool)
        )
        return [
            self._book.result(int(i), self._criteria, bool(self.eligible[i]), bool(self.ineligible[i]))
            for i in np.flatnonzero(wanted)[:limit]
        ]

    def counts(self) -> dict[Status, int]:
        return {
            Status.ELIGIBLE: int(self.eligible.sum()),
            Status.INELIGIBLE: int(self.ineligible.sum()),
            Status.UNDETERMINED: int(self.undetermined.sum()),
        }


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else np.nan


def _group(rows: list[dict[str, Any]], codes: tuple[str, ...], n: int) -> tuple[Mask, Mask]:
    """The flags of one JA group (n × codes) and whether the group restricts (some, not all, flagged)."""
    flags = np.array([[r.get(c) == "Y" for c in codes] for r in rows], dtype=bool).reshape(n, len(codes))
    count = flags.sum(axis=1)
    return flags, (count > 0) & (count < len(codes))
