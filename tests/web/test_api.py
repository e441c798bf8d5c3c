"""The JSON API v1: search, detail, life events, problem+json errors, OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_api_finds_services(client: TestClient) -> None:
    response = client.get("/api/v1/services", params={"q": "출산"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] > 0
    assert "135200005015" in [item["id"] for item in body["items"]]


def test_search_api_filters_and_pages(client: TestClient) -> None:
    response = client.get("/api/v1/services", params={"life_event": "old-age", "page_size": 2, "page": 1})
    body = response.json()
    assert response.status_code == 200
    assert len(body["items"]) <= 2
    assert all("old-age" in item["life_events"] for item in body["items"])


def test_service_detail_has_facts_and_source(client: TestClient) -> None:
    body = client.get("/api/v1/services/135200005015").json()
    assert body["name"] == "첫만남이용권"
    assert body["source_url"].startswith("https://")
    assert body["legal_basis"]
    assert body["agency"] == "보건복지부"


def test_unknown_service_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/services/NOPE-404")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "catalog.service_not_found"
    assert problem["status"] == 404
    assert "서비스" in problem["title"]


def test_bad_filter_is_problem_json_422(client: TestClient) -> None:
    response = client.get("/api/v1/services", params={"field": "우주"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["location"] == "query.field"


def test_unknown_api_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "web.not_found"


def test_life_events_list(client: TestClient) -> None:
    events = client.get("/api/v1/life-events").json()
    assert {e["slug"] for e in events} >= {"pregnancy-birth", "old-age", "youth"}
    assert all(e["label"] and e["service_count"] >= 0 for e in events)


def test_openapi_document_is_3_1_with_problem_schema(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "Problem" in document["components"]["schemas"]
    assert "/api/v1/services" in document["paths"]


def test_agencies_list_and_agency_with_its_services(client: TestClient) -> None:
    listing = client.get("/api/v1/agencies", params={"page_size": 3}).json()
    assert listing["total"] >= 3
    assert len(listing["items"]) == 3
    counts = [a["service_count"] for a in listing["items"]]
    assert counts == sorted(counts, reverse=True)
    agency = client.get(f"/api/v1/agencies/{listing['items'][0]['id']}").json()
    assert len(agency["services"]) == counts[0]


def test_unknown_agency_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/agencies/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "catalog.agency_not_found"
