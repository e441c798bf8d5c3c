"""Portal pages: every page type renders in Korean with a title, one h1, and security headers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

_PAGES = [
    "/",
    "/search?q=출산",
    "/search",
    "/services/135200005015",
    "/life-events",
    "/life-events/pregnancy-birth",
    "/agencies",
]


def _assert_page(html: str) -> None:
    assert '<html lang="ko">' in html
    assert re.search(r"<title>[^<]+ \| 나라</title>", html)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "Traceback" not in html


@pytest.mark.parametrize("path", _PAGES)
def test_page_renders(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    _assert_page(response.text)
    policy = response.headers["content-security-policy"]
    assert "nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_agency_page(client: TestClient) -> None:
    agency_id = client.get("/api/v1/services/135200005015").json()["agency_id"]
    response = client.get(f"/agencies/{agency_id}")
    assert response.status_code == 200
    assert "첫만남이용권" in response.text


def test_search_for_birth_shows_the_voucher_and_parent_benefit(client: TestClient) -> None:
    html = client.get("/search", params={"q": "출산"}).text
    assert "첫만남이용권" in html
    assert "부모급여" in html


def test_service_page_shows_facts_and_source(client: TestClient) -> None:
    html = client.get("/services/135200005015").text
    assert "200만 원" in html
    assert "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/135200005015" in html
    assert "저출산" in html


@pytest.mark.parametrize(
    "path",
    ["/services/NOPE", "/life-events/moon-landing", "/agencies/999999", "/agencies/abc", "/no/such/page"],
)
def test_not_found_is_a_korean_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    _assert_page(response.text)
    assert "처음 화면으로" in response.text


@pytest.mark.parametrize("query", ["", "가" * 1000, "<script>alert(1)</script>", "%%%"])
def test_odd_queries_give_a_normal_page(client: TestClient, query: str) -> None:
    response = client.get("/search", params={"q": query})
    assert response.status_code == 200
    _assert_page(response.text)
    assert "<script>alert(1)</script>" not in response.text


def test_unknown_filter_value_is_ignored_with_a_notice(client: TestClient) -> None:
    response = client.get("/search", params={"q": "출산", "field": "우주", "page": "-3"})
    assert response.status_code == 200
    assert "알 수 없는 조건은 빼고" in response.text


def test_chosen_filters_stay_selected_and_narrow_results(client: TestClient) -> None:
    html = client.get("/search", params={"q": "연금", "life_event": "old-age", "region": "부산광역시"}).text
    assert '<option value="old-age" selected>노년</option>' in html
    assert '<option value="부산광역시" selected>부산광역시</option>' in html
    assert "기초연금" in html
    assert "첫만남이용권" not in html
