"""Fuzz the open API against its own OpenAPI document: no input may cause a 5xx or break the schema.

Three runs over every operation, each bounded (``EXAMPLES`` per operation):

* anonymous (no Authorization header);
* with a citizen's token (scope ``mydata eligibility``) on every call — the citizen's endpoints must
  really open (200), or the run would prove little;
* without valid credentials — no header, and the bearer values Schemathesis makes up — no protected
  operation (anything under /api/v1/me or /api/v1/eligibility/me) ever answers 2xx.

Public operations are fuzzed without made-up bearer values (a malformed token on a public route is
refused with 401, as their OpenAPI entries say).

The fuzz runs on an app of its own (same database and registries as the suite), so its rate-limit
buckets are not the shared client's; its citizen is one no other test uses, since the authenticated run
really joins and leaves 복지멤버십.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlalchemy.engine import Engine
from tests.identity.journeys import bearer, state_of, token_for

from nara import registry
from nara.app import create_app
from nara.settings import Settings

_CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
FUZZ_PERSON = "SYN7"  # used by no other test
EXAMPLES = 20
Case: TypeAlias = "schemathesis.Case[Any]"


@pytest.fixture(scope="module")
def fuzz_app(engine: Engine, registries: registry.RegistryStore, app_settings: Settings) -> FastAPI:
    return create_app(app_settings)


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app: FastAPI) -> TestClient:
    """For the journeys' helpers, which reach the app's state through a client (never entered: the
    Schemathesis transport runs the app's lifespan)."""
    return TestClient(fuzz_app)


def _operations(api_schema: schemathesis.BaseSchema) -> list[Any]:
    operations = []
    for result in api_schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 4
    return operations


def _is_protected(operation: Any) -> bool:
    return operation.path.startswith(("/api/v1/me", "/api/v1/eligibility/me"))


def _fuzz(operation: Any, test: Callable[[Case], None], **fixed: Any) -> None:
    @given(case=operation.as_strategy(**fixed))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case: Case) -> None:
        test(case)

    fuzz()


def _without_credentials(case: Case) -> None:
    if case.headers:
        case.headers.pop("Authorization", None)  # a case-insensitive mapping


def test_every_operation_is_fuzzed_anonymously(api_schema: schemathesis.BaseSchema) -> None:
    def anonymous(case: Case) -> None:
        _without_credentials(case)
        case.call_and_validate(checks=_CHECKS)

    for operation in _operations(api_schema):
        _fuzz(operation, anonymous)


def test_every_operation_is_fuzzed_with_a_citizens_token(
    api_schema: schemathesis.BaseSchema, fuzz_client: TestClient
) -> None:
    headers = bearer(token_for(fuzz_client, FUZZ_PERSON, scope="mydata eligibility"))
    limiter = state_of(fuzz_client).rate_limiter
    answered: dict[str, set[int]] = {}

    def signed_in(case: Case) -> None:
        response = case.call_and_validate(headers=headers, checks=_CHECKS)
        answered.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)

    for operation in _operations(api_schema):
        limiter.reset("client:nara-portal")  # each operation starts with a full bucket
        _fuzz(operation, signed_in, headers=headers)
    # the token really opened the citizen's endpoints (else this run would prove little)
    for opened in ("GET /api/v1/me/facts", "GET /api/v1/me/consents", "GET /api/v1/me/download"):
        assert 200 in answered[opened], (opened, answered[opened])


def test_no_protected_operation_answers_without_credentials(api_schema: schemathesis.BaseSchema) -> None:
    protected = [operation for operation in _operations(api_schema) if _is_protected(operation)]
    assert {op.path for op in protected} >= {
        "/api/v1/me/facts",
        "/api/v1/me/download",
        "/api/v1/eligibility/me",
    }

    def refused(case: Case) -> None:
        made_up = case.call()  # as generated: no header, or a bearer value Schemathesis made up
        case.validate_response(made_up, checks=_CHECKS)
        _without_credentials(case)
        bare = case.call()
        case.validate_response(bare, checks=_CHECKS)
        for response in (made_up, bare):
            assert not 200 <= response.status_code < 300, (
                f"{case.method} {case.formatted_path} answered {response.status_code} without credentials"
            )
        assert bare.status_code in (401, 422), bare.content[:300]

    for operation in protected:
        _fuzz(operation, refused)
