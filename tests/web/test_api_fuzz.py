"""Fuzz the open API against its own OpenAPI document: no input may cause a 5xx or break the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from nara.app import create_app
from nara.settings import Settings

_CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(engine: object, database_url: str) -> schemathesis.BaseSchema:
    app = create_app(Settings(env="test", database_url=database_url, secret_key="f" * 40))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_every_operation_is_fuzzed(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=_CHECKS)

        fuzz()
