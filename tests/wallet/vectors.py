"""The SD-JWT, SD-JWT VC and Token Status List test vectors in ../shared/data/sdjwt-vectors (see SOURCE.md).

RFC line-wrapping is removed; the issuer key, audience, nonce and times come from each suite's
settings.yml. A KB-JWT's ``iat`` is not in the settings (the generator used the clock), so a vector with
key binding is verified at its KB-JWT's ``iat`` (read from ``kb_jwt_payload.json``), and one without at
the settings' ``iat``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from nara.settings import PROJECT_ROOT

VECTORS = PROJECT_ROOT.parent / "shared" / "data" / "sdjwt-vectors"
SUITES = ("rfc9901-examples", "sd-jwt-vc-examples", "reference-testcases")
MISSING = f"the shared test vectors are not here ({VECTORS}); they live beside the project in shared/data"


@dataclass(frozen=True)
class Vector:
    suite: str
    name: str
    folder: Path
    presentation: str  # compact, or the JSON serialisation as text
    expected: dict[str, Any]
    issuer_jwk: dict[str, Any]  # public
    issuer_private_jwk: dict[str, Any]
    holder_private_jwk: dict[str, Any]
    audience: str
    nonce: str
    iat: int  # the credential's
    exp: int
    kb_iat: int | None

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"

    @property
    def json_serialised(self) -> bool:
        return self.presentation.lstrip().startswith("{")

    @property
    def now(self) -> int:
        return self.kb_iat if self.kb_iat is not None else self.iat

    @property
    def typ(self) -> str:
        return str(kb_free_header(self)["typ"])


def unwrap(text: str) -> str:
    """A compact serialisation without the RFC's line breaks."""
    return re.sub(r"\s+", "", text)


def unwrap_json(text: str) -> str:
    """A JSON serialisation without the RFC's line breaks inside strings; a JSON string holding it is opened."""
    document = json.loads(re.sub(r"\n\s*", "", text))
    if isinstance(document, str):
        document = json.loads(document)
    return json.dumps(document)


class _SpecificationLoader(yaml.SafeLoader):
    """Reads specification.yml, whose ``!sd`` tags mark selectively disclosable claims (ignored here)."""


def _untagged(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_SpecificationLoader.add_constructor("!sd", _untagged)


def specification(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load((folder / "specification.yml").read_text(), _SpecificationLoader)
    return loaded


def _settings(suite: str, folder: Path) -> dict[str, Any]:
    settings: dict[str, Any] = yaml.safe_load((VECTORS / suite / "settings.yml").read_text())
    override = specification(folder).get("settings_override") or {}
    for name, value in override.items():
        settings[name] = value
    return settings


def _load(suite: str, folder: Path) -> Vector | None:
    compact, as_json = folder / "sd_jwt_presentation.txt", folder / "sd_jwt_presentation.json"
    if compact.exists():
        presentation = unwrap(compact.read_text())
    elif as_json.exists():
        presentation = unwrap_json(as_json.read_text())
    else:
        return None
    settings = _settings(suite, folder)
    keys = settings["key_settings"]
    issuer = dict((keys.get("issuer_keys") or [keys.get("issuer_key")])[0])
    kb_file = folder / "kb_jwt_payload.json"
    return Vector(
        suite=suite,
        name=folder.name,
        folder=folder,
        presentation=presentation,
        expected=json.loads((folder / "verified_contents.json").read_text()),
        issuer_jwk={name: value for name, value in issuer.items() if name != "d"},
        issuer_private_jwk=issuer,
        holder_private_jwk=dict(keys["holder_key"]),
        audience=settings["identifiers"]["verifier"],
        nonce=str(settings["key_binding_nonce"]),
        iat=int(settings["iat"]),
        exp=int(settings["exp"]),
        kb_iat=json.loads(kb_file.read_text())["iat"] if kb_file.exists() else None,
    )


def all_vectors() -> list[Vector]:
    if not VECTORS.is_dir():
        return []
    found = []
    for suite in SUITES:
        for folder in sorted(path for path in (VECTORS / suite).iterdir() if path.is_dir()):
            vector = _load(suite, folder)
            if vector is not None:
                found.append(vector)
    return found


def vector_params(vectors: list[Vector] | None = None) -> list[Any]:
    """pytest parameters, one per vector; a single skipped parameter when the vectors are absent."""
    chosen = all_vectors() if vectors is None else vectors
    if not chosen:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="vectors-missing")]
    return [pytest.param(vector, id=vector.id) for vector in chosen]


def kb_free_header(vector: Vector) -> dict[str, Any]:
    from nara.wallet import jose, sdjwt

    parsed = sdjwt.parse(vector.presentation)
    header: dict[str, Any] = jose.decode_json_part(parsed.signatures[0].protected)
    return header


def require_vectors() -> Path:
    if not VECTORS.is_dir():
        pytest.skip(MISSING)
    return VECTORS
