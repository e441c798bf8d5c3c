"""Rule files (``definitions/<service id>.yaml``), read into conditions the evaluator walks.

A rule file names the service, its legal basis, whose situation it looks at (the subject, or each child
…), when it is met, and what it gives. Any unknown fact or parameter is an error naming file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nara.rules.errors import RuleFileInvalid
from nara.rules.expressions import Comparison, Expr, ExpressionError, FactRef, parse_comparison, parse_value

SCOPES = ("subject", "children", "spouse", "members")
# The relation that puts a member in a scope ("members" takes everyone, "subject" the subject).
SCOPE_RELATION = {"children": "child", "spouse": "spouse"}
PERIODS = ("month", "once", "year")


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class NotOf:
    item: Condition


@dataclass(frozen=True)
class AnyMember:
    scope: str
    where: Condition


@dataclass(frozen=True)
class CountMembers:
    """At least ``at_least`` members of a scope meet ``where`` ("two or more children under 18")."""

    scope: str
    where: Condition
    at_least: int


Condition = Comparison | AllOf | AnyOf | NotOf | AnyMember | CountMembers


@dataclass(frozen=True)
class AmountCase:
    """One way to compute the amount, used when its condition holds (no condition: always)."""

    when: Condition | None
    value: Expr
    source: str


@dataclass(frozen=True)
class Amount:
    cases: tuple[AmountCase, ...]
    period: str


@dataclass(frozen=True)
class Rule:
    service_id: str
    name: str
    legal_basis: tuple[str, ...]
    for_each: str
    when: Condition
    amount: Amount | None
    file: str


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping, for error messages."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load_rule(text: str, file: str) -> Rule:
    """One rule from YAML text; raises :class:`RuleFileInvalid` with the file and line at fault."""
    document = yaml.load(text, Loader=_LineLoader)  # a SafeLoader that records lines
    if not isinstance(document, dict):
        raise RuleFileInvalid(f"{file}: 규칙 파일은 YAML 객체여야 합니다.")
    line = document["__line__"]
    try:
        for_each = document.get("for_each", "subject")
        if for_each not in SCOPES:
            raise ExpressionError(f"for_each는 {', '.join(SCOPES)} 중 하나여야 합니다: {for_each}")
        return Rule(
            service_id=str(document["service"]),
            name=str(document["name"]),
            legal_basis=tuple(_as_list(document["legal_basis"])),
            for_each=for_each,
            when=_condition(document["when"], file),
            amount=_amount(document.get("amount"), file),
            file=file,
        )
    except KeyError as error:
        raise RuleFileInvalid(f"{file}:{line}: 필수 항목이 없습니다: {error.args[0]}") from error
    except ExpressionError as error:
        raise RuleFileInvalid(f"{file}:{line}: {error}") from error


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _condition(node: Any, file: str) -> Condition:
    if isinstance(node, str):
        return parse_comparison(node)
    if isinstance(node, list):
        return AllOf(tuple(_condition(item, file) for item in node))
    if not isinstance(node, dict):
        raise ExpressionError(f"조건을 읽을 수 없습니다: {node!r}")
    line = node.get("__line__", "?")
    try:
        if "all" in node:
            return AllOf(tuple(_condition(item, file) for item in node["all"]))
        if "any" in node:
            return AnyOf(tuple(_condition(item, file) for item in node["any"]))
        if "not" in node:
            return NotOf(_condition(node["not"], file))
        if "any_member" in node:
            return AnyMember(_scope(node["any_member"]), _condition(node["where"], file))
        if "count_members" in node:
            at_least = node.get("at_least")
            if not isinstance(at_least, int) or isinstance(at_least, bool) or at_least < 1:
                raise ExpressionError("count_members에는 1 이상의 정수 at_least가 필요합니다.")
            return CountMembers(_scope(node["count_members"]), _condition(node["where"], file), at_least)
    except ExpressionError as error:
        raise RuleFileInvalid(f"{file}:{line}: {error}") from error
    except KeyError as error:
        raise RuleFileInvalid(f"{file}:{line}: 필수 항목이 없습니다: {error.args[0]}") from error
    raise RuleFileInvalid(f"{file}:{line}: all, any, not, any_member, count_members 중 하나가 필요합니다.")


def _scope(scope: Any) -> str:
    if scope not in SCOPES[1:]:
        raise ExpressionError(f"구성원 범위는 children, spouse, members 중 하나여야 합니다: {scope}")
    return str(scope)


def _amount(node: Any, file: str) -> Amount | None:
    if node is None:
        return None
    line = node.get("__line__", "?")
    if node.get("period") not in PERIODS:
        raise RuleFileInvalid(f"{file}:{line}: period는 month, once, year 중 하나여야 합니다.")
    try:
        cases = node.get("cases") or [{"value": node["value"]}]
        return Amount(
            cases=tuple(
                AmountCase(
                    when=_condition(case["when"], file) if "when" in case else None,
                    value=parse_value(case["value"]),
                    source=str(case["value"]),
                )
                for case in cases
            ),
            period=node["period"],
        )
    except (ExpressionError, KeyError, TypeError) as error:
        raise RuleFileInvalid(f"{file}:{line}: 금액을 읽을 수 없습니다: {error}") from error


def fact_names(rule: Rule) -> set[str]:
    """Every fact the rule reads (``household.x``, ``member.x``), in its conditions and its amount."""
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, FactRef):
            found.add(node.name)
        elif hasattr(node, "__dataclass_fields__"):
            for field in node.__dataclass_fields__:
                visit(getattr(node, field))
        elif isinstance(node, tuple | list):
            for item in node:
                visit(item)

    visit(rule.when)
    visit(rule.amount)
    return found


@lru_cache(maxsize=1)
def rulebook() -> tuple[Rule, ...]:
    """Every rule in ``nara/rules/definitions/``, by service id."""
    folder = resources.files("nara.rules").joinpath("definitions")
    rules = [
        load_rule(entry.read_text("utf-8"), f"definitions/{entry.name}")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]
    return tuple(rules)
