"""Expressions inside rule files: arithmetic over facts, parameters and numbers, and one comparison.

household.income_recognised_monthly <= basic_livelihood.livelihood_threshold[household.size]
member.disability in ["mild", "severe"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nara.rules.facts import fact_spec
from nara.rules.parameters import parameters

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d[\d_]*(?:\.\d+)?)|(?P<string>\"[^\"]*\")|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|\[|\]|,|@))"
)
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">", "in")


class ExpressionError(ValueError):
    """A rule expression that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class Number:
    value: int | float


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Boolean:
    value: bool


@dataclass(frozen=True)
class FactRef:
    name: str


@dataclass(frozen=True)
class ParamRef:
    name: str
    size: Expr | None = None  # household size, for parameters indexed by it
    at: FactRef | None = None  # the date whose value applies (default: the evaluation date)


@dataclass(frozen=True)
class Arithmetic:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Comparison:
    op: str
    left: Expr
    right: Expr | tuple[Expr, ...]
    source: str


Expr = Number | Text | Boolean | FactRef | ParamRef | Arithmetic


def parse_comparison(source: str) -> Comparison:
    """Parse ``left OP right``; raises :class:`ExpressionError`."""
    parser = _Parser(source)
    left = parser.sum()
    op = parser.take()
    if op not in COMPARISONS:
        raise ExpressionError(f"비교 연산자(<, <=, >, >=, ==, !=, in)가 필요합니다: {source!r}")
    right: Expr | tuple[Expr, ...] = parser.items() if op == "in" else parser.sum()
    parser.end()
    return Comparison(op, left, right, source)


def parse_value(source: str | int | float) -> Expr:
    """Parse an amount expression (or a bare number)."""
    if isinstance(source, int | float) and not isinstance(source, bool):
        return Number(source)
    parser = _Parser(str(source))
    value = parser.sum()
    parser.end()
    return value


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = self._tokenize(source)
        self.position = 0

    @staticmethod
    def _tokenize(source: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(source.rstrip()):
            match = _TOKEN.match(source, position)
            if not match or match.end() == position:
                raise ExpressionError(f"읽을 수 없는 부분이 있습니다: {source[position:]!r}")
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self) -> str:
        if self.position >= len(self.tokens):
            raise ExpressionError(f"식이 끝나지 않았습니다: {self.source!r}")
        self.position += 1
        return self.tokens[self.position - 1][1]

    def expect(self, token: str) -> None:
        if self.take() != token:
            raise ExpressionError(f"'{token}'이(가) 필요합니다: {self.source!r}")

    def end(self) -> None:
        if self.position != len(self.tokens):
            raise ExpressionError(f"식 뒤에 남은 것이 있습니다: {self.source!r}")

    def sum(self) -> Expr:
        value = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()
            value = Arithmetic(op, value, self.product())
        return value

    def product(self) -> Expr:
        value = self.atom()
        while self.peek() in ("*", "/"):
            op = self.take()
            value = Arithmetic(op, value, self.atom())
        return value

    def items(self) -> tuple[Expr, ...]:
        self.expect("[")
        found = [self.atom()]
        while self.peek() == ",":
            self.take()
            found.append(self.atom())
        self.expect("]")
        return tuple(found)

    def atom(self) -> Expr:
        kind, token = self.tokens[self.position] if self.position < len(self.tokens) else ("", "")
        self.take()
        if token == "(":
            inner = self.sum()
            self.expect(")")
            return inner
        if kind == "number":
            number = float(token.replace("_", ""))
            return Number(int(number) if number.is_integer() and "." not in token else number)
        if kind == "string":
            return Text(token[1:-1])
        if kind == "name":
            return self.name(token)
        raise ExpressionError(f"값이 와야 할 곳에 '{token}'이(가) 있습니다: {self.source!r}")

    def name(self, token: str) -> Expr:
        if token in ("true", "false"):
            return Boolean(token == "true")
        if fact_spec(token):
            return FactRef(token)
        parameter = parameters().get(token)
        if parameter is None:
            raise ExpressionError(f"알 수 없는 사실 또는 매개변수입니다: {token}")
        size: Expr | None = None
        if self.peek() == "[":
            self.take()
            size = self.sum()
            self.expect("]")
        if parameter.by_household_size and size is None:
            raise ExpressionError(f"{token}은(는) 가구원 수별 표입니다: {token}[household.size]처럼 쓰세요.")
        at: FactRef | None = None
        if self.peek() == "@":  # the value in force on another date, e.g. @member.birth_date
            self.take()
            when = self.atom()
            if not isinstance(when, FactRef) or (spec := fact_spec(when.name)) is None or spec.unit != "date":
                raise ExpressionError(f"@ 뒤에는 날짜인 사실이 와야 합니다: {self.source!r}")
            at = when
        return ParamRef(token, size, at)
