"""SD-JWT (RFC 9901) and SD-JWT VC: issue, present, verify.

An issuer signs a JWT whose selectively disclosable claims are replaced by digests of *Disclosures*
(``[salt, name, value]`` for an object property, ``[salt, value]`` for an array element); the holder
keeps every Disclosure and, for each verifier, sends only those it chooses, optionally with a Key Binding
JWT signed by the key named in ``cnf.jwk``. Both serialisations are read: compact
(``<jws>~<d1>~…~<dn>~[<kb-jwt>]``) and JSON (RFC 9901 §8, flattened and general).

Claim paths name a claim inside the claims: ``("address",)``, ``("address", "locality")``,
``("nationalities", 0)``; ``"*"`` stands for every property or element at that level, so
``("household", "*")`` makes every member of the ``household`` array disclosable.

The verification order, and the code raised at each step (``SdJwtInvalid``), is in
docs/domains/wallet.md, "Formats and verification".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from nara.wallet import jose
from nara.wallet.errors import SdJwtInvalid

PathElement = str | int
ClaimPath = tuple[PathElement, ...]
Disclosable = Collection[ClaimPath]
Selector = Collection[ClaimPath] | Callable[[ClaimPath], bool]
IssuerKeys = jose.KeyLike | Callable[[dict[str, Any], dict[str, Any]], jose.KeyLike | None]

SD_JWT_VC_TYP = "dc+sd-jwt"
LEGACY_SD_JWT_VC_TYP = "vc+sd-jwt"
KB_JWT_TYP = "kb+jwt"
# Claims a verifier needs to judge the credential itself: never selectively disclosable (SD-JWT VC §3.2.2).
ALWAYS_VISIBLE = frozenset({"iss", "iat", "exp", "nbf", "vct", "vct#integrity", "cnf", "status"})
RESERVED_NAMES = frozenset({"_sd", "...", "_sd_alg"})
DEFAULT_ALLOWED_ALGS = ("ES256", "ES384", "ES512", "EdDSA", "Ed25519")
HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


@dataclass(frozen=True)
class Verified:
    """What a verifier may use: the processed claims and how they were proven.

    ``claims`` has every disclosed claim in place and no ``_sd``, ``_sd_alg`` or ``...``;
    ``disclosed_paths`` names the claims that came from Disclosures (array indices as in ``claims``).
    """

    claims: dict[str, Any]
    header: dict[str, Any]
    key_bound: bool
    disclosed_paths: tuple[ClaimPath, ...]
    payload: dict[str, Any]
    kb_payload: dict[str, Any] | None = None


class Disclosure(NamedTuple):
    encoded: str
    salt: str
    name: str | None  # None for an array element
    value: Any


@dataclass(frozen=True)
class Inspected:
    """An SD-JWT read without any check (for the holder's own wallet): every Disclosure it carries."""

    header: dict[str, Any]
    payload: dict[str, Any]
    claims: dict[str, Any]
    disclosures: tuple[tuple[ClaimPath, Disclosure], ...]


def _fail(code: str, message: str) -> SdJwtInvalid:
    return SdJwtInvalid(code, message)


# --- issuance ---------------------------------------------------------------------------------------


def issue(
    claims: Mapping[str, Any],
    *,
    disclosable: Disclosable,
    issuer_key: jose.KeyLike,
    typ: str = SD_JWT_VC_TYP,
    holder_jwk: jose.KeyLike | None = None,
    decoys: int = 2,
    header: Mapping[str, Any] | None = None,
    alg: str | None = None,
    sd_alg: str = "sha-256",
) -> str:
    """A compact SD-JWT (ending with ``~``) of ``claims``, with every Disclosure.

    ``disclosable`` lists claim paths (``"*"`` matches any name or index; a path that matches no claim,
    e.g. an optional claim this person lacks, is ignored); none may name an always-visible claim (``iss``, ``iat``, ``exp``, ``nbf``, ``vct``, ``cnf``,
    ``status``). Each ``_sd`` array gets ``decoys`` decoy digests and is sorted. ``alg`` defaults to the
    key's (ES256 for P-256, EdDSA for Ed25519). Programming errors raise ``ValueError``.
    """
    if sd_alg not in HASH_ALGORITHMS:
        raise ValueError(f"unsupported _sd_alg {sd_alg!r}")
    _check_reserved(claims, ())
    paths = _check_disclosable(disclosable)
    body = dict(claims)
    if holder_jwk is not None:
        if "cnf" in body:
            raise ValueError("claims already have cnf; give holder_jwk or cnf, not both")
        body["cnf"] = {"jwk": _public_members(holder_jwk)}
    concealer = _Concealer(paths, HASH_ALGORITHMS[sd_alg], decoys)
    payload = concealer.object(body, ())
    payload["_sd_alg"] = sd_alg
    signing_alg = alg or jose.default_alg(issuer_key)
    jws_header = {**(header or {}), "alg": signing_alg, "typ": typ}
    jws = jose.sign_compact(jws_header, payload, issuer_key)
    return "~".join([jws, *concealer.disclosures, ""])


def _check_reserved(value: Any, path: ClaimPath) -> None:
    if isinstance(value, Mapping):
        for name, child in value.items():
            if not isinstance(name, str) or name in RESERVED_NAMES:
                raise ValueError(f"claim name {name!r} at {path} is reserved or not a string")
            _check_reserved(child, (*path, name))
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            _check_reserved(child, (*path, index))


def _check_disclosable(disclosable: Disclosable) -> tuple[ClaimPath, ...]:
    paths = tuple(tuple(path) for path in disclosable)
    for path in paths:
        if not path or not all(isinstance(part, str | int) for part in path):
            raise ValueError(f"a disclosable path is a non-empty tuple of names and indices: {path!r}")
        if path[0] in ALWAYS_VISIBLE:
            raise ValueError(f"{path[0]!r} is always visible and cannot be selectively disclosable")
    return paths


def _public_members(key: jose.KeyLike) -> dict[str, Any]:
    if isinstance(key, Mapping):
        jwk = {name: value for name, value in key.items() if name not in _PRIVATE_JWK_MEMBERS}
        jose.public_key(jwk)  # refuses a JWK that is not a usable public key
        return jwk
    return jose.public_jwk(key)


def _matches(pattern: ClaimPath, path: ClaimPath) -> bool:
    return len(pattern) == len(path) and all(p == "*" or p == q for p, q in zip(pattern, path, strict=True))


class _Concealer:
    """Walks the claims bottom-up, replacing each disclosable claim by a digest of its Disclosure."""

    def __init__(self, paths: tuple[ClaimPath, ...], hasher: Callable[[bytes], Any], decoys: int) -> None:
        self.paths = paths
        self.hasher = hasher
        self.decoys = max(0, decoys)
        self.disclosures: list[str] = []

    def value(self, value: Any, path: ClaimPath) -> Any:
        if isinstance(value, Mapping):
            return self.object(value, path)
        if isinstance(value, list | tuple):
            return self.array(value, path)
        return value

    def object(self, node: Mapping[str, Any], path: ClaimPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        digests: list[str] = []
        for name, child in node.items():
            child_path = (*path, name)
            concealed = self.value(child, child_path)
            if self._wanted(child_path) and not (not path and name in ALWAYS_VISIBLE):
                digests.append(self._disclose([_salt(), name, concealed]))
            else:
                out[name] = concealed
        if digests:
            digests.extend(self._decoy() for _ in range(self.decoys))
            out["_sd"] = sorted(digests)
        return out

    def array(self, node: Collection[Any], path: ClaimPath) -> list[Any]:
        out: list[Any] = []
        concealed_any = False
        for index, child in enumerate(node):
            child_path = (*path, index)
            concealed = self.value(child, child_path)
            if self._wanted(child_path):
                concealed_any = True
                out.append({"...": self._disclose([_salt(), concealed])})
            else:
                out.append(concealed)
        if concealed_any:  # decoy elements too, at random places: the array's length says nothing
            for _ in range(self.decoys):
                out.insert(secrets.randbelow(len(out) + 1), {"...": self._decoy()})
        return out

    def _wanted(self, path: ClaimPath) -> bool:
        return any(_matches(pattern, path) for pattern in self.paths)

    def _disclose(self, disclosure: list[Any]) -> str:
        encoded = jose.b64url_encode(jose.json_bytes(disclosure))
        self.disclosures.append(encoded)
        return _digest(self.hasher, encoded)

    def _decoy(self) -> str:
        return jose.b64url_encode(self.hasher(secrets.token_bytes(32)).digest())


def _salt() -> str:
    """128 random bits, base64url (RFC 9901 §9.3)."""
    return jose.b64url_encode(secrets.token_bytes(16))


def _digest(hasher: Callable[[bytes], Any], encoded: str) -> str:
    return jose.b64url_encode(hasher(encoded.encode("ascii")).digest())


# --- parsing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signature:
    protected: str
    signature: str
    unprotected: dict[str, Any]


@dataclass(frozen=True)
class _Parsed:
    payload: str
    signatures: tuple[_Signature, ...]
    disclosures: tuple[str, ...]
    kb_jwt: str | None
    hashed: str  # what the KB-JWT's sd_hash covers: the compact form up to and including the last "~"


def parse(presentation: str | Mapping[str, Any]) -> _Parsed:
    """The parts of a compact or JSON-serialised SD-JWT (issued or presented); nothing is verified."""
    if isinstance(presentation, Mapping):
        return _parse_json(presentation)
    text = presentation.strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as error:
            raise _fail("sdjwt.malformed", "the JSON serialisation is not JSON") from error
        if not isinstance(document, dict):
            raise _fail("sdjwt.malformed", "the JSON serialisation is not an object")
        return _parse_json(document)
    return _parse_compact(text)


def _parse_compact(text: str) -> _Parsed:
    parts = text.split("~")
    if len(parts) < 2:
        raise _fail("sdjwt.malformed", "a compact SD-JWT has at least one '~'")
    jws, disclosures, kb_jwt = parts[0], parts[1:-1], parts[-1] or None
    if any(not part for part in disclosures):
        raise _fail("sdjwt.malformed", "empty Disclosure between '~' separators")
    pieces = jws.split(".")
    if len(pieces) != 3:
        raise _fail("sdjwt.malformed", "the issuer-signed JWT is not a compact JWS")
    return _Parsed(
        payload=pieces[1],
        signatures=(_Signature(pieces[0], pieces[2], {}),),
        disclosures=tuple(disclosures),
        kb_jwt=kb_jwt,
        hashed=text[: text.rfind("~") + 1],
    )


def _parse_json(document: Mapping[str, Any]) -> _Parsed:
    payload = document.get("payload")
    if "signatures" in document:
        raw_signatures = document["signatures"]
        if not isinstance(raw_signatures, list) or not raw_signatures:
            raise _fail("sdjwt.malformed", "'signatures' must be a non-empty array")
    else:
        raw_signatures = [document]
    signatures = tuple(_json_signature(entry) for entry in raw_signatures)
    if not isinstance(payload, str) or not payload:
        raise _fail("sdjwt.malformed", "the JSON serialisation has no 'payload'")
    if any("disclosures" in s.unprotected or "kb_jwt" in s.unprotected for s in signatures[1:]):
        raise _fail("sdjwt.malformed", "Disclosures and the KB-JWT belong in the first signature's header")
    first = signatures[0]
    disclosures = first.unprotected.get("disclosures", [])
    kb_jwt = first.unprotected.get("kb_jwt")
    if not isinstance(disclosures, list) or not all(isinstance(d, str) and d for d in disclosures):
        raise _fail("sdjwt.malformed", "'disclosures' must be an array of strings")
    if kb_jwt is not None and (not isinstance(kb_jwt, str) or not kb_jwt):
        raise _fail("sdjwt.malformed", "'kb_jwt' must be a string")
    # RFC 9901 §8.1: sd_hash covers the compact form built from the first signature and the Disclosures.
    hashed = f"{first.protected}.{payload}.{first.signature}~" + "".join(f"{d}~" for d in disclosures)
    return _Parsed(payload, signatures, tuple(disclosures), kb_jwt, hashed)


def _json_signature(entry: Any) -> _Signature:
    if not isinstance(entry, Mapping):
        raise _fail("sdjwt.malformed", "a signature entry must be an object")
    protected, signature = entry.get("protected"), entry.get("signature")
    unprotected = entry.get("header", {})
    if not isinstance(protected, str) or not isinstance(signature, str) or not isinstance(unprotected, dict):
        raise _fail("sdjwt.malformed", "a signature needs 'protected' and 'signature' strings")
    return _Signature(protected, signature, unprotected)


def to_json_serialisation(presentation: str, *, general: bool = False) -> dict[str, Any]:
    """The JSON serialisation (RFC 9901 §8) of a compact SD-JWT or presentation; a KB-JWT stays valid."""
    parsed = _parse_compact(presentation.strip())
    signature = parsed.signatures[0]
    unprotected: dict[str, Any] = {"disclosures": list(parsed.disclosures)}
    if parsed.kb_jwt is not None:
        unprotected["kb_jwt"] = parsed.kb_jwt
    entry = {"header": unprotected, "protected": signature.protected, "signature": signature.signature}
    if general:
        return {"payload": parsed.payload, "signatures": [entry]}
    return {"payload": parsed.payload, **entry}


def _json_part(part: str, what: str, code: str = "sdjwt.malformed") -> dict[str, Any]:
    try:
        value = jose.decode_json_part(part)
    except jose.JoseError as error:
        raise _fail(code, f"{what} is not base64url-encoded JSON") from error
    if not isinstance(value, dict):
        raise _fail(code, f"{what} is not a JSON object")
    return value


# --- processing Disclosures -------------------------------------------------------------------------


def _hasher(payload: Mapping[str, Any]) -> Callable[[bytes], Any]:
    name = payload.get("_sd_alg", "sha-256")
    if not isinstance(name, str) or name not in HASH_ALGORITHMS:
        raise _fail("sdjwt.sd_alg", f"unsupported _sd_alg {name!r}")
    return HASH_ALGORITHMS[name]


def _decode_disclosure(encoded: str) -> Disclosure:
    try:
        value = jose.decode_json_part(encoded)
    except jose.JoseError as error:
        raise _fail("sdjwt.disclosure_malformed", "a Disclosure is not base64url-encoded JSON") from error
    if not isinstance(value, list) or len(value) not in (2, 3) or not isinstance(value[0], str):
        raise _fail("sdjwt.disclosure_malformed", "a Disclosure is [salt, name, value] or [salt, value]")
    if len(value) == 2:
        return Disclosure(encoded, value[0], None, value[1])
    name = value[1]
    if not isinstance(name, str):
        raise _fail("sdjwt.disclosure_malformed", "a Disclosure's claim name must be a string")
    if name in ("_sd", "..."):
        raise _fail("sdjwt.reserved_name", f"a Disclosure may not name the claim {name!r}")
    return Disclosure(encoded, value[0], name, value[2])


def _disclosures_by_digest(encoded: Collection[str], hasher: Callable[[bytes], Any]) -> dict[str, Disclosure]:
    found: dict[str, Disclosure] = {}
    for item in encoded:
        disclosure = _decode_disclosure(item)
        digest = _digest(hasher, item)
        if digest in found:
            raise _fail("sdjwt.duplicate_disclosure", "the same Disclosure is sent twice")
        found[digest] = disclosure
    return found


class _Processor:
    """Replaces digests by their Disclosures, recursively, enforcing RFC 9901 §7.1 step 3."""

    def __init__(self, disclosures: dict[str, Disclosure]) -> None:
        self.disclosures = disclosures
        self.seen: set[str] = set()
        self.used = 0
        self.found: list[tuple[ClaimPath, Disclosure]] = []

    def value(self, node: Any, path: ClaimPath) -> Any:
        if isinstance(node, dict):
            return self.object(node, path)
        if isinstance(node, list):
            return self.array(node, path)
        return node

    def object(self, node: dict[str, Any], path: ClaimPath) -> dict[str, Any]:
        digests = node.get("_sd", [])
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise _fail("sdjwt.malformed", "'_sd' must be an array of digest strings")
        out = {
            name: self.value(child, (*path, name))
            for name, child in node.items()
            if name != "_sd" and not (name == "_sd_alg" and not path)
        }
        for digest in digests:
            disclosure = self._take(digest)
            if disclosure is None:
                continue  # a decoy, or a claim the holder did not disclose
            if disclosure.name is None:
                raise _fail(
                    "sdjwt.disclosure_malformed", "an array-element Disclosure is referenced from '_sd'"
                )
            if disclosure.name in out:
                raise _fail("sdjwt.claim_collision", f"disclosed claim {disclosure.name!r} already exists")
            child_path = (*path, disclosure.name)
            out[disclosure.name] = self.value(disclosure.value, child_path)
            self.found.append((child_path, disclosure))
        return out

    def array(self, node: list[Any], path: ClaimPath) -> list[Any]:
        out: list[Any] = []
        for element in node:
            if not (isinstance(element, dict) and "..." in element):
                out.append(self.value(element, (*path, len(out))))
                continue
            digest = element["..."]
            if len(element) != 1 or not isinstance(digest, str):
                raise _fail("sdjwt.malformed", "an array-element digest is an object with the one key '...'")
            disclosure = self._take(digest)
            if disclosure is None:
                continue
            if disclosure.name is not None:
                raise _fail(
                    "sdjwt.disclosure_malformed", "an object-property Disclosure is referenced from '...'"
                )
            child_path = (*path, len(out))
            out.append(self.value(disclosure.value, child_path))
            self.found.append((child_path, disclosure))
        return out

    def _take(self, digest: str) -> Disclosure | None:
        if digest in self.seen:
            raise _fail("sdjwt.duplicate_digest", "a digest appears more than once in the SD-JWT")
        self.seen.add(digest)
        disclosure = self.disclosures.get(digest)
        if disclosure is not None:
            self.used += 1
        return disclosure


def _process(
    payload: dict[str, Any], disclosures: dict[str, Disclosure]
) -> tuple[dict[str, Any], list[tuple[ClaimPath, Disclosure]]]:
    """The processed claims and where each Disclosure went; every Disclosure must be referenced."""
    processor = _Processor(disclosures)
    claims = processor.object(payload, ())
    if processor.used != len(disclosures):
        raise _fail("sdjwt.disclosure_unreferenced", "a Disclosure is not referenced by any digest")
    return claims, processor.found


def inspect(sd_jwt: str | Mapping[str, Any]) -> Inspected:
    """Every claim and Disclosure of an SD-JWT, checking its structure but NOT its signature.

    For the holder's wallet, to show a credential and let the citizen choose what to present.
    """
    parsed = parse(sd_jwt)
    header = _json_part(parsed.signatures[0].protected, "the JWS header")
    payload = _json_part(parsed.payload, "the JWS payload")
    claims, found = _process(payload, _disclosures_by_digest(parsed.disclosures, _hasher(payload)))
    return Inspected(header, payload, claims, tuple(found))


# --- verification -----------------------------------------------------------------------------------


def verify(
    presentation: str | Mapping[str, Any],
    *,
    issuer_keys: IssuerKeys,
    audience: str | None = None,
    nonce: str | None = None,
    now: int | None = None,
    require_key_binding: bool = False,
    expected_typ: str | None = SD_JWT_VC_TYP,
    accept_legacy_typ: bool = False,
    kb_max_age: int = 300,
    leeway: int = 30,
    allowed_algs: Collection[str] = DEFAULT_ALLOWED_ALGS,
) -> Verified:
    """Verify an SD-JWT presentation (compact or JSON) under RFC 9901 §7; raise ``SdJwtInvalid``.

    ``issuer_keys`` is the issuer's public key, or ``f(header, unverified_payload) -> key | None``.
    Key binding is required when ``require_key_binding`` or when an ``audience`` or ``nonce`` is expected.
    ``expected_typ=None`` skips the ``typ`` check (plain SD-JWT); ``vc+sd-jwt`` passes only with
    ``accept_legacy_typ``. ``now`` (seconds since the epoch) fixes the time of every time check.
    """
    moment = int(time.time()) if now is None else now
    parsed = parse(presentation)
    payload = _json_part(parsed.payload, "the JWS payload")
    header = _check_issuer_signature(parsed, payload, issuer_keys, allowed_algs)
    _check_typ(header, expected_typ, accept_legacy_typ)
    hasher = _hasher(payload)
    claims, found = _process(payload, _disclosures_by_digest(parsed.disclosures, hasher))
    _check_validity(claims, moment, leeway)
    kb_payload = _check_key_binding(
        parsed,
        claims,
        hasher,
        _KbExpectation(audience, nonce, moment, kb_max_age, leeway, tuple(allowed_algs)),
        required=require_key_binding or audience is not None or nonce is not None,
    )
    return Verified(
        claims=claims,
        header=header,
        key_bound=kb_payload is not None,
        disclosed_paths=tuple(path for path, _ in found),
        payload=payload,
        kb_payload=kb_payload,
    )


def keys_from_jwks(document: Mapping[str, Any]) -> IssuerKeys:
    """``issuer_keys`` from a JWK or a JWK Set: a set's key is chosen by the header's ``kid``
    (or is the only one when the header names none)."""
    if "keys" not in document:
        return dict(document)
    keys = document["keys"]
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys):
        raise ValueError("a JWK Set has a 'keys' array of JWKs")

    def by_kid(header: dict[str, Any], payload: dict[str, Any]) -> jose.KeyLike | None:
        kid = header.get("kid")
        if kid is None:
            return keys[0] if len(keys) == 1 else None
        return next((key for key in keys if key.get("kid") == kid), None)

    return by_kid


def _check_issuer_signature(
    parsed: _Parsed, payload: dict[str, Any], issuer_keys: IssuerKeys, allowed_algs: Collection[str]
) -> dict[str, Any]:
    """The protected header of the first signature that verifies; else the first failure."""
    failure: SdJwtInvalid | None = None
    for signature in parsed.signatures:
        try:
            return _check_one_signature(signature, parsed.payload, payload, issuer_keys, allowed_algs)
        except SdJwtInvalid as error:
            failure = failure or error
    assert failure is not None  # there is always at least one signature
    raise failure


def _check_one_signature(
    signature: _Signature,
    payload_part: str,
    payload: dict[str, Any],
    issuer_keys: IssuerKeys,
    allowed_algs: Collection[str],
) -> dict[str, Any]:
    header = _json_part(signature.protected, "the JWS header")
    alg = _allowed_alg(header, allowed_algs, "the issuer-signed JWT")
    if "crit" in header:
        raise _fail("sdjwt.malformed", "the JWS header names critical extensions this verifier does not know")
    context = {**_without(signature.unprotected, "disclosures", "kb_jwt"), **header}
    key = issuer_keys(context, payload) if callable(issuer_keys) else issuer_keys
    if key is None:
        raise _fail("sdjwt.unknown_key", "no trusted key for this issuer")
    signing_input = f"{signature.protected}.{payload_part}".encode("ascii", "replace")
    if not _signature_holds(alg, key, signing_input, signature.signature, "sdjwt.unknown_key"):
        raise _fail("sdjwt.signature", "the issuer's signature does not verify")
    return header


def _without(mapping: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key not in names}


def _allowed_alg(header: Mapping[str, Any], allowed_algs: Collection[str], what: str) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed_algs or alg not in jose.ALGORITHMS:
        raise _fail("sdjwt.alg_not_allowed", f"{what} uses algorithm {alg!r}, which is not allowed")
    return alg


def _signature_holds(
    alg: str, key: jose.KeyLike, signing_input: bytes, signature: str, key_code: str
) -> bool:
    try:
        public = jose.public_key(key)
    except jose.JoseError as error:
        raise _fail(key_code, f"the key cannot be used: {error}") from error
    try:
        return jose.verify(alg, public, signing_input, jose.b64url_decode(signature))
    except jose.JoseError:
        return False  # not base64url, or a key that does not fit the algorithm


def _check_typ(header: Mapping[str, Any], expected: str | None, accept_legacy: bool) -> None:
    if expected is None:
        return
    typ = header.get("typ")
    accepted = {expected} | ({LEGACY_SD_JWT_VC_TYP} if accept_legacy and expected == SD_JWT_VC_TYP else set())
    if typ not in accepted:
        raise _fail("sdjwt.typ", f"typ is {typ!r}, expected {expected!r}")


def _numeric(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail("sdjwt.malformed", f"{name!r} must be a number of seconds")
    return value


def _check_validity(claims: Mapping[str, Any], now: int, leeway: int) -> None:
    """exp, nbf and iat of the processed claims (so a disclosed exp counts too)."""
    exp, nbf, iat = _numeric(claims, "exp"), _numeric(claims, "nbf"), _numeric(claims, "iat")
    if exp is not None and now >= exp + leeway:
        raise _fail("sdjwt.expired", "the credential has expired")
    if nbf is not None and now + leeway < nbf:
        raise _fail("sdjwt.not_yet_valid", "the credential is not valid yet (nbf)")
    if iat is not None and now + leeway < iat:
        raise _fail("sdjwt.not_yet_valid", "the credential was issued in the future (iat)")


@dataclass(frozen=True)
class _KbExpectation:
    audience: str | None
    nonce: str | None
    now: int
    max_age: int
    leeway: int
    allowed_algs: tuple[str, ...]


def _check_key_binding(
    parsed: _Parsed,
    claims: Mapping[str, Any],
    hasher: Callable[[bytes], Any],
    expect: _KbExpectation,
    *,
    required: bool,
) -> dict[str, Any] | None:
    """The KB-JWT's payload once it holds (RFC 9901 §7.3); None when there is none and none is required."""
    if parsed.kb_jwt is None:
        if required:
            raise _fail("sdjwt.kb_missing", "key binding is required but the presentation has no KB-JWT")
        return None
    holder_key = _holder_key(claims)
    pieces = parsed.kb_jwt.split(".")
    if len(pieces) != 3:
        raise _fail("sdjwt.kb_typ", "the KB-JWT is not a compact JWS")
    header = _json_part(pieces[0], "the KB-JWT header", "sdjwt.kb_typ")
    alg = _allowed_alg(header, expect.allowed_algs, "the KB-JWT")
    if header.get("typ") != KB_JWT_TYP:
        raise _fail("sdjwt.kb_typ", f"the KB-JWT's typ must be {KB_JWT_TYP!r}")
    signing_input = f"{pieces[0]}.{pieces[1]}".encode("ascii", "replace")
    if not _signature_holds(alg, holder_key, signing_input, pieces[2], "sdjwt.kb_key"):
        raise _fail("sdjwt.kb_signature", "the KB-JWT is not signed by the key in cnf.jwk")
    payload = _json_part(pieces[1], "the KB-JWT payload", "sdjwt.kb_typ")
    _check_kb_claims(payload, expect)
    expected_hash = _digest(hasher, parsed.hashed)
    sd_hash = payload.get("sd_hash")
    if not isinstance(sd_hash, str) or not hmac.compare_digest(sd_hash, expected_hash):
        raise _fail("sdjwt.sd_hash", "sd_hash does not match the presented SD-JWT and Disclosures")
    return payload


def _holder_key(claims: Mapping[str, Any]) -> dict[str, Any]:
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(jwk, dict):
        raise _fail("sdjwt.kb_key", "the credential names no holder key (cnf.jwk)")
    return jwk


def _check_kb_claims(payload: Mapping[str, Any], expect: _KbExpectation) -> None:
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise _fail("sdjwt.kb_iat", "the KB-JWT has no iat")
    if iat > expect.now + expect.leeway or iat < expect.now - expect.max_age - expect.leeway:
        raise _fail("sdjwt.kb_iat", "the KB-JWT was not made just now (iat outside the accepted window)")
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or (
        expect.nonce is not None and not hmac.compare_digest(nonce, expect.nonce)
    ):
        raise _fail("sdjwt.kb_nonce", "the KB-JWT's nonce is missing or not the one this verifier sent")
    aud = payload.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if not all(isinstance(a, str) for a in audiences) or not audiences:
        raise _fail("sdjwt.kb_audience", "the KB-JWT has no aud")
    if expect.audience is not None and expect.audience not in audiences:
        raise _fail("sdjwt.kb_audience", "the KB-JWT was made for another verifier")


# --- presentation -----------------------------------------------------------------------------------


def present(
    issued: str,
    *,
    disclose: Selector,
    holder_key: jose.KeyLike | None = None,
    audience: str | None = None,
    nonce: str | None = None,
    iat: int | None = None,
    alg: str | None = None,
) -> str:
    """A compact presentation of ``issued`` revealing what ``disclose`` selects.

    ``disclose`` is a set of claim paths (a path reveals that claim, everything beneath it and the
    containers on the way to it; array indices are positions among the array's real elements, decoys not counted) or a function
    ``f(path) -> bool`` asked for each disclosable claim reached. With ``holder_key`` a KB-JWT is added
    (``aud``, ``nonce`` required; ``iat`` defaults to now; ``alg`` to the key's).
    """
    parsed = _parse_compact(issued.strip())
    if parsed.kb_jwt is not None:
        raise ValueError("present() takes an issued SD-JWT, not a presentation with a KB-JWT")
    payload = _json_part(parsed.payload, "the JWS payload")
    hasher = _hasher(payload)
    chooser = _Chooser(_disclosures_by_digest(parsed.disclosures, hasher), _selector(disclose))
    chooser.value(payload, ())
    signature = parsed.signatures[0]
    compact = f"{signature.protected}.{parsed.payload}.{signature.signature}~"
    compact += "".join(f"{d}~" for d in chooser.chosen)
    if holder_key is None:
        return compact
    if audience is None or nonce is None:
        raise ValueError("a KB-JWT needs both audience and nonce")
    kb_payload = {
        "iat": int(time.time()) if iat is None else iat,
        "aud": audience,
        "nonce": nonce,
        "sd_hash": _digest(hasher, compact),
    }
    kb_header = {"alg": alg or jose.default_alg(holder_key), "typ": KB_JWT_TYP}
    return compact + jose.sign_compact(kb_header, kb_payload, holder_key)


def _covers(pattern: ClaimPath, path: ClaimPath) -> bool:
    """Whether ``pattern`` selects ``path``: ``path`` is at or under it, or on the way to it."""
    return all(p == "*" or p == q for p, q in zip(pattern, path, strict=False))


def _selector(disclose: Selector) -> Callable[[ClaimPath], bool]:
    if callable(disclose):
        return disclose
    patterns = [tuple(pattern) for pattern in disclose]
    return lambda path: any(_covers(pattern, path) for pattern in patterns)


class _Chooser:
    """Walks the issued payload and picks the Disclosures to send, parents before children."""

    def __init__(self, disclosures: dict[str, Disclosure], wanted: Callable[[ClaimPath], bool]) -> None:
        self.disclosures = disclosures
        self.wanted = wanted
        self.chosen: list[str] = []

    def value(self, node: Any, path: ClaimPath) -> None:
        if isinstance(node, dict):
            for digest in node.get("_sd", []):
                disclosure = self.disclosures.get(digest)
                if disclosure is not None and disclosure.name is not None:
                    self._offer(disclosure, (*path, disclosure.name))
            for name, child in node.items():
                if name != "_sd":
                    self.value(child, (*path, name))
        elif isinstance(node, list):
            index = 0  # positions among the real elements: decoy digests (no Disclosure) are not counted
            for element in node:
                digest = element.get("...") if isinstance(element, dict) and len(element) == 1 else None
                disclosure = self.disclosures.get(digest) if isinstance(digest, str) else None
                if disclosure is not None:
                    self._offer(disclosure, (*path, index))
                elif digest is None:
                    self.value(element, (*path, index))
                else:
                    continue
                index += 1

    def _offer(self, disclosure: Disclosure, path: ClaimPath) -> None:
        if self.wanted(path):
            self.chosen.append(disclosure.encoded)
            self.value(disclosure.value, path)
