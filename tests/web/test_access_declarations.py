"""Every route declares who may call it and for what (GOV.UK Notify's test_all_routes_have_authentication)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from nara.web.access import AccessCheck

# Routes the framework adds (the API document and its viewer) and the static files: public by nature.
SIGN_IN_STEPS = {"/office/sign-in", "/office/auth/callback", "/office/sign-out"}
FRAMEWORK_ROUTES = {"/api/v1/openapi.json", "/api/v1/docs", "/docs/oauth2-redirect", "/static"}


def _routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    try:  # FastAPI ≥ 0.16x keeps included routers lazily; this yields their effective routes
        from fastapi.routing import _iter_included_route_candidates
    except ImportError:  # older FastAPI: routes are already flat
        yield from routes
        return
    yield from _iter_included_route_candidates(routes)


def _checks(dependant: Any) -> Iterator[AccessCheck]:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, AccessCheck):
            yield dependency.call
        yield from _checks(dependency)


def declarations(client: TestClient) -> dict[str, list[AccessCheck]]:
    found: dict[str, list[AccessCheck]] = {}
    for route in _routes(client.app.routes):  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if path in FRAMEWORK_ROUTES:
            continue
        assert isinstance(route, APIRoute), f"{path}: not an API route, so it cannot declare access"
        for method in sorted(route.methods):
            found[f"{method} {path}"] = list(_checks(route.dependant))
    return found


def test_all_routes_declare_access(client: TestClient) -> None:
    found = declarations(client)
    assert len(found) > 40
    missing = [route for route, checks in found.items() if not checks]
    assert not missing, f"routes without an access declaration: {missing}"


def test_personal_routes_are_not_public(client: TestClient) -> None:
    found = declarations(client)
    for route, checks in found.items():
        path = route.split(" ", 1)[1]
        if path in SIGN_IN_STEPS:
            continue
        if path.startswith(
            ("/me", "/api/v1/me", "/office", "/api/v1/eligibility/me", "/sign-out-everywhere")
        ):
            assert all("public" not in check.rule.who for check in checks), route


def test_page_forms_check_csrf_and_api_calls_do_not_need_it(client: TestClient) -> None:
    for route, checks in declarations(client).items():
        method, path = route.split(" ", 1)
        if method in {"POST", "PUT", "DELETE"} and not path.startswith(
            ("/api/", "/oauth/token", "/oauth/revoke", "/oauth/userinfo")
        ):
            assert any(check.csrf for check in checks), f"{route} takes a form without a CSRF check"
