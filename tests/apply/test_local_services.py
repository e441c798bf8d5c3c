"""행복출산's local (지자체) services: in each 시·도, a newborn's family is offered three to ten, and their rules find
it eligible; a 시군구's own services reach only that 시군구 (a 시's also reach its 일반구)."""

from __future__ import annotations

from datetime import date
from typing import Any

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


def newborn_family(
    region: str, *, mum: dict[str, object] | None = None, third: bool = False, income: int = 1_500_000
) -> rules.Situation:
    """A family these services are meant for: a second baby born two weeks ago, a low income, no home of their
    own, a mother with a registered (mild) disability and a father on parental leave. `mum` changes the mother,
    `third` makes the baby a third child, `income` changes the 소득인정액 — for the services of other families."""
    members = [
        {"id": "mum", "relation": "self", "sex": "female", "birth_date": "1991-04-02", "disability": "mild", **(mum or {})},
        {"id": "dad", "relation": "spouse", "sex": "male", "birth_date": "1989-09-10", "disability": "none",
         "employment": "employed", "leave": "parental"},
        {"id": "sibling", "relation": "child", "birth_date": "2019-05-01", "birth_order": 1},
    ]  # fmt: skip
    if third:
        members.append({"id": "sibling2", "relation": "child", "birth_date": "2021-06-01", "birth_order": 2})
    members.append(
        {"id": "baby", "relation": "child", "birth_date": "2025-03-01", "birth_order": 3 if third else 2}
    )
    household = {"region": region, "income_recognised_monthly": income, "owns_home": False,
                 "single_parent": False, "north_korean_defector": False}  # fmt: skip
    return rules.parse_situation({"on": ON.isoformat(), "subject": "mum", "household": household,
                                  "members": members}, today=ON)  # fmt: skip


# Services for another family than the standard one, and that family (each still checked eligible).
OTHER_FAMILY: dict[str, dict[str, Any]] = {
    "629000000160": {
        "third": True,
        "mum": {"employment": "employed"},
    },  # 광주 손자녀가족돌보미: 맞벌이 세 자녀
    "630000000152": {"income": 20_000_000},  # 대전 산모·신생아 (자체): above 150 % of the median
    "647000000186": {"mum": {"birth_date": "1988-04-02"}},  # 경북 35세 이상 산모 의료비
    "647000000108": {"third": True},  # 경북 세자녀 이상 가족 진료비
    "648000001070": {"mum": {"industry": "farming"}},  # 경남 농가 도우미: a farming mother
    "645000000107": {"third": True},  # 전북 셋째아 이상 육아용품
}

# 시군구 that still have fewer than three local birth services: the national catalogue of 2025-07 has no more
# 시·도-level birth programmes for 대구 and 전북, and no birth programme of their own for these (대구 중구: only an
# unspecified "임산부 영유아 지원" asked for with a pregnancy certificate; 수성구 and 전북 고창군: none). 서구's
# 출생축하카드 and 북구's 다둥이가정 차량 무료렌탈 made their third. Shrink it as they come.
SHORT = {"27110", "27260", "52790"}


def local_services(region: str) -> tuple[str, ...]:
    birth = apply.bundle("birth")
    assert birth is not None
    return birth.services_for(region)[len(birth.services) :]


def test_every_sido_is_tested() -> None:
    assert set(TOWNS) == {code[:2] for code, _, _ in rules.sigungu_table()}
    assert all(region[:2] == sido for sido, region in TOWNS.items())


@pytest.mark.parametrize(("sido", "region"), sorted(TOWNS.items()))
def test_a_newborn_family_in_each_sido_gets_three_to_ten_local_services(sido: str, region: str) -> None:
    local = local_services(region)
    assert 3 <= len(local) <= 10, (sido, local)
    standard = [service for service in local if service not in OTHER_FAMILY]
    checks = apply.check(standard, newborn_family(region))
    assert {c.service_id: c.status for c in checks} == dict.fromkeys(standard, "eligible")
    for service in set(local) - set(standard):
        (check,) = apply.check([service], newborn_family(region, **OTHER_FAMILY[service]))
        assert check.status == "eligible", service
    assert all(apply.form(service) is not None for service in local)


def test_every_sigungu_gets_three_to_ten_local_services_but_the_known_gaps() -> None:
    counts = {code: len(local_services(code)) for code, _, _ in rules.sigungu_table()}
    assert all(n <= 10 for n in counts.values()), counts
    short = {code for code, n in counts.items() if n < 3}
    assert short == SHORT, (sorted(short - SHORT), sorted(SHORT - short))  # a gap closed: shrink SHORT


def test_a_service_has_another_family_only_when_the_standard_one_does_not_get_it() -> None:
    for service in OTHER_FAMILY:
        region = next(r for r in TOWNS.values() if service in local_services(r))
        (standard,) = apply.check([service], newborn_family(region))
        assert standard.status != "eligible", service


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
