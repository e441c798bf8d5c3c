"""`nara wallet verify`: a good presentation prints its claims as JSON (exit 0); a bad one prints one reason
(code and message) on stderr (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.wallet.vectors import Vector, all_vectors, require_vectors
from typer.testing import CliRunner

from nara.cli import app

runner = CliRunner()


def _vector(vector_id: str) -> Vector:
    require_vectors()
    return next(v for v in all_vectors() if v.id == vector_id)


def _files(tmp_path: Path, vector: Vector, presentation: str | None = None) -> tuple[str, str]:
    suffix = ".json" if vector.json_serialised else ".txt"
    presented = tmp_path / f"presentation{suffix}"
    presented.write_text(vector.presentation if presentation is None else presentation)
    key = tmp_path / "issuer.jwk"
    key.write_text(json.dumps(vector.issuer_jwk))
    return str(presented), str(key)


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["wallet", "verify", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "vector_id", ["sd-jwt-vc-examples/01", "rfc9901-examples/json_serialization_general"]
)
def test_good_key_bound_vector(tmp_path: Path, vector_id: str) -> None:
    vector = _vector(vector_id)
    presented, key = _files(tmp_path, vector)

    code, out, _ = _invoke(
        presented, "--issuer-key", key, "--audience", vector.audience, "--nonce", vector.nonce,
        "--at", str(vector.now), "--typ", vector.typ,
    )  # fmt: skip

    assert code == 0
    assert json.loads(out) == vector.expected


def test_good_vector_without_key_binding_at_an_iso_time(tmp_path: Path) -> None:
    vector = _vector("sd-jwt-vc-examples/02")
    presented, key = _files(tmp_path, vector)

    code, out, _ = _invoke(presented, "--issuer-key", key, "--at", "2023-05-02T13:00:00+09:00")

    assert code == 0
    assert json.loads(out) == vector.expected


def test_jwk_set_file_is_read_by_kid(tmp_path: Path) -> None:
    vector = _vector("sd-jwt-vc-examples/02")
    presented, _ = _files(tmp_path, vector)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [vector.issuer_jwk]}))

    code, _, _ = _invoke(presented, "--issuer-key", str(jwks), "--at", str(vector.now))

    assert code == 0


def test_expired_presentation(tmp_path: Path) -> None:
    vector = _vector("sd-jwt-vc-examples/02")
    presented, key = _files(tmp_path, vector)

    code, out, err = _invoke(presented, "--issuer-key", key, "--at", "2030-01-01T00:00:00Z")

    assert code == 1
    assert out == ""
    assert err.startswith("sdjwt.expired: ")
    assert "유효기간" in err


def test_nonce_given_but_no_key_binding(tmp_path: Path) -> None:
    vector = _vector("sd-jwt-vc-examples/02")
    presented, key = _files(tmp_path, vector)

    code, _, err = _invoke(presented, "--issuer-key", key, "--nonce", "abc", "--at", str(vector.now))

    assert code == 1
    assert err.startswith("sdjwt.kb_missing")


def test_wrong_nonce(tmp_path: Path) -> None:
    vector = _vector("sd-jwt-vc-examples/01")
    presented, key = _files(tmp_path, vector)

    code, _, err = _invoke(
        presented,
        "--issuer-key",
        key,
        "--audience",
        vector.audience,
        "--nonce",
        "other",
        "--at",
        str(vector.now),
    )

    assert code == 1
    assert err.startswith("sdjwt.kb_nonce")


def test_naive_time_is_refused(tmp_path: Path) -> None:
    vector = _vector("sd-jwt-vc-examples/02")
    presented, key = _files(tmp_path, vector)

    code, _, err = _invoke(presented, "--issuer-key", key, "--at", "2023-05-02T13:00:00")

    assert code == 2
    assert "시간대" in err
