"""행복출산's local (지자체) services: in each 시·도, a newborn's family is offered three to ten, and their rules find
it eligible; a 시군구's own services reach only that 시군구 (a 시's also reach its 일반구)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from nara import apply, rules

# One 시군구 in each 시·도: the one whose own services birth.yaml lists, or the 시·도's first.
TOWNS = {
    "11": "11110", "26": "26230", "27": "27290", "28": "28185", "29": "29170", "30": "30230", "31": "31140",
    "36": "36110", "41": "41430", "43": "43720", "44": "44131", "46": "46110", "47": "47190", "48": "48121",
    "50": "50110", "51": "51110", "52": "52140",
}  # fmt: skip
ON = date(2025, 3, 15)


def newborn_family(region: str) -> rules.Situation:
    """A family these services are meant for: a second baby born two weeks ago, a low income, no home of their
    own, a mother with a registered (mild) disability and a father on parental leave."""
    members = [
        {"id": "mum", "relation": "self", "sex": "female", "birth_date": "1991-04-02", "disability": "mild"},
        {"id": "dad", "relation": "spouse", "sex": "male", "birth_date": "1989-09-10", "disability": "none",
         "employment": "employed", "leave": "parental"},
        {"id": "sibling", "relation": "child", "birth_date": "2019-05-01", "birth_order": 1},
        {"id": "baby", "relation": "child", "birth_date": "2025-03-01", "birth_order": 2},
    ]  # fmt: skip
    household = {"region": region, "income_recognised_monthly": 1_500_000, "owns_home": False,
                 "single_parent": False, "north_korean_defector": False}  # fmt: skip
    return rules.parse_situation({"on": ON.isoformat(), "subject": "mum", "household": household,
                                  "members": members}, today=ON)  # fmt: skip


def test_every_sido_is_tested() -> None:
    assert set(TOWNS) == {code[:2] for code, _, _ in rules.sigungu_table()}
    assert all(region[:2] == sido for sido, region in TOWNS.items())


@pytest.mark.parametrize(("sido", "region"), sorted(TOWNS.items()))
def test_a_newborn_family_in_each_sido_gets_three_to_ten_local_services(sido: str, region: str) -> None:
    birth = apply.bundle("birth")
    assert birth is not None
    local = birth.services_for(region)[len(birth.services) :]
    assert 3 <= len(local) <= 10, (sido, local)
    checks = apply.check(local, newborn_family(region))
    assert {c.service_id: c.status for c in checks} == dict.fromkeys(local, "eligible")
    assert all(apply.form(service) is not None for service in local)


def test_another_places_local_services_do_not_hold_there() -> None:
    birth = apply.bundle("birth")
    assert birth is not None
    seoul = birth.services_for("11110")[len(birth.services) :]
    checks = apply.check(seoul, newborn_family("26230"))  # 서울's services for a family in 부산
    assert {c.status for c in checks} == {"ineligible"}


def test_a_sigungu_key_reaches_that_sigungu_and_a_city_key_its_gu() -> None:
    bundle = apply.Bundle(
        id="t", name="t", life_event="pregnancy-birth", summary="t", services=("N",),
        local={"44": ("도",), "44130": ("천안시",), "44150": ("공주시",), "44131": ("동남구",)},
    )  # fmt: skip
    assert bundle.services_for("44131") == ("N", "도", "천안시", "동남구")  # 천안시 동남구
    assert bundle.services_for("44133") == ("N", "도", "천안시")  # 천안시 서북구
    assert bundle.services_for("44150") == ("N", "도", "공주시")
    assert bundle.services_for("44200") == ("N", "도")
    assert bundle.services_for("11110") == ("N",)
    assert bundle.services_for(None) == ("N",)
    assert sorted(bundle.all_services) == sorted(["N", "도", "천안시", "공주시", "동남구"])


def test_a_local_key_that_is_no_place_is_refused() -> None:
    with pytest.raises(ValidationError, match="99"):
        apply.Bundle(id="t", name="t", life_event="x", summary="t", services=("N",), local={"99": ("A",)})
