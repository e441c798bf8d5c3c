"""Situations: what is missing stays unknown; what is wrong is refused, naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from nara.rules import SituationInvalid, parse_situation

TODAY = date(2025, 3, 15)


def situation(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "subject": "me",
        "household": {"region": "11680", "income_recognised_monthly": 1_800_000},
        "members": [{"id": "me", "relation": "self", "birth_date": "1958-04-02"}, {"id": "kid"}],
    }
    return document | overrides


def test_absent_facts_stay_unknown_and_on_defaults_to_today() -> None:
    parsed = parse_situation(situation(), today=TODAY)
    assert parsed.on == TODAY
    assert parsed.member("kid").birth_date is None
    assert parsed.household.owns_home is None


def test_yaml_on_key_read_as_true_is_understood() -> None:
    assert parse_situation({True: "2026-01-02", **situation()}, today=TODAY).on == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (situation(subject="ghost"), "subject"),
        (situation(members=[{"id": "me", "birth_date": "2030-01-01"}]), "members.me.birth_date"),
        (situation(members=[{"id": "me", "birth_date": "1799-12-31"}]), "members.me.birth_date"),
        (situation(household={"income_recognised_monthly": -5}), "household.income_recognised_monthly"),
        (situation(household={"region": "99999"}), "household.region"),
        (situation(members=[{"id": "me", "sex": "robot"}]), "members.me.sex"),
        (situation(members=[{"id": "me", "birth_order": "first"}]), "members.me.birth_order"),
        (situation(members=[{"id": "me"}, {"id": "me"}]), "members"),
        (situation(members=[{"id": "me", "favourite_colour": "blue"}]), "members.me.favourite_colour"),
        (situation(members=[]), "members"),
    ],
)
def test_bad_situations_name_the_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(SituationInvalid) as raised:
        parse_situation(document, today=TODAY)
    assert field in raised.value.detail


def test_not_an_object_is_refused() -> None:
    with pytest.raises(SituationInvalid):
        parse_situation(["me"], today=TODAY)
