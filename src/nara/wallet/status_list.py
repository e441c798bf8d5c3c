"""IETF Token Status List (draft-ietf-oauth-status-list): the revocation list of the wallet's credentials.

A list is ``size`` entries of ``bits`` bits (1, 2, 4 or 8) packed into bytes, entry 0 in the least
significant bits of byte 0; it travels ZLIB-compressed (RFC 1950/1951) and base64url-encoded as ``lst``,
inside a signed Status List Token (``typ: statuslist+jwt``). A credential points at its entry with the
claim ``status: {"status_list": {"idx": …, "uri": …}}``. Verifiers keep tokens in a ``StatusListCache``
for their ``ttl`` and never fetch one per presentation (which would tell the issuer who is checked when).
"""

from __future__ import annotations

import secrets
import threading
import time
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nara.wallet import jose
from nara.wallet.errors import StatusListInvalid

VALID = 0
INVALID = 1  # revoked: irreversible
SUSPENDED = 2  # reversible
SUPERSEDED = 3  # application-specific 0x03: Nara re-issued the credential (new data), the old one is void
STATUS_LIST_TYP = "statuslist+jwt"
ALLOWED_BITS = (1, 2, 4, 8)
DEFAULT_ALLOWED_ALGS = ("ES256", "ES384", "ES512", "EdDSA", "Ed25519")
MAX_LIST_BYTES = 64 * 1024 * 1024  # a decompressed list larger than this is refused (zip bombs)


def _fail(code: str, message: str) -> StatusListInvalid:
    return StatusListInvalid(code, message)


class StatusList:
    """``size`` statuses of ``bits`` bits each, all VALID at first.

    >>> lst = StatusList(16, bits=1)
    >>> lst.set(0, INVALID); lst.set(3, INVALID)
    >>> lst.get(3), lst.get(4), StatusList.decode(lst.encode(), bits=1).get(3)
    (1, 0, 1)
    """

    __slots__ = ("_data", "_mask", "bits", "size")

    def __init__(self, size: int, bits: int = 2, *, data: bytes | bytearray | None = None) -> None:
        if bits not in ALLOWED_BITS:
            raise ValueError(f"bits must be one of {ALLOWED_BITS}")
        if size < 1:
            raise ValueError("a status list has at least one entry")
        length = (size * bits + 7) // 8
        if data is not None and len(data) != length:
            raise ValueError(f"{size} entries of {bits} bits are {length} bytes, not {len(data)}")
        self.size = size
        self.bits = bits
        self._mask = (1 << bits) - 1
        self._data = bytearray(data) if data is not None else bytearray(length)

    def __len__(self) -> int:
        return self.size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusList):
            return NotImplemented
        return (self.size, self.bits, self._data) == (other.size, other.bits, other._data)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise _fail("status_list.index", f"index {index!r} is outside a list of {self.size} entries")
        position = index * self.bits
        return position >> 3, position & 7

    def get(self, index: int) -> int:
        byte, shift = self._locate(index)
        return (self._data[byte] >> shift) & self._mask

    def set(self, index: int, status: int) -> None:
        if not isinstance(status, int) or not 0 <= status <= self._mask:
            raise ValueError(f"status {status!r} does not fit in {self.bits} bits")
        byte, shift = self._locate(index)
        self._data[byte] = (self._data[byte] & ~(self._mask << shift) & 0xFF) | (status << shift)

    def to_bytes(self) -> bytes:
        """The uncompressed byte array."""
        return bytes(self._data)

    def encode(self) -> str:
        """``lst``: ZLIB (best compression), then base64url without padding."""
        return jose.b64url_encode(zlib.compress(bytes(self._data), 9))

    def to_claim(self) -> dict[str, Any]:
        """The ``status_list`` claim of a Status List Token."""
        return {"bits": self.bits, "lst": self.encode()}

    @classmethod
    def decode(cls, lst: str, bits: int, *, max_bytes: int = MAX_LIST_BYTES) -> StatusList:
        """The list in ``lst``; its size is every entry the bytes hold. Bad input raises StatusListInvalid."""
        if bits not in ALLOWED_BITS:
            raise _fail("status_list.malformed", f"bits must be one of {ALLOWED_BITS}")
        try:
            decompressor = zlib.decompressobj()
            data = decompressor.decompress(jose.b64url_decode(lst), max_bytes)
        except (jose.JoseError, zlib.error) as error:
            raise _fail("status_list.malformed", "lst is not base64url-encoded ZLIB data") from error
        if decompressor.unconsumed_tail or not decompressor.eof:
            raise _fail("status_list.malformed", "lst is truncated or larger than allowed")
        if not data:
            raise _fail("status_list.malformed", "lst is empty")
        return cls(len(data) * 8 // bits, bits, data=data)

    @classmethod
    def from_statuses(cls, statuses: Sequence[int], bits: int) -> StatusList:
        """A list holding ``statuses`` in order."""
        result = cls(len(statuses), bits)
        if bits == 8:
            result._data[:] = bytes(statuses)
            return result
        for index, status in enumerate(statuses):
            if status:
                result.set(index, status)
        return result

    def indices(self, status: int) -> list[int]:
        """Every index whose entry is ``status`` (for tests and operators; O(size))."""
        return [index for index in range(self.size) if self.get(index) == status]


def status_claim(uri: str, index: int) -> dict[str, Any]:
    """The ``status`` claim a credential carries to name its entry."""
    return {"status_list": {"idx": index, "uri": uri}}


def random_free_index(
    used: Collection[int] | bytes | bytearray, size: int, rng: Any = secrets, *, tries: int = 64
) -> int:
    """A uniformly random index in ``[0, size)`` not in ``used``.

    ``used`` is a set of indices or a bitmap (bit ``i`` of byte ``i // 8``, least significant first, set
    when ``i`` is taken). Random allocation keeps entries from telling the order of issuance (draft §13).
    ``rng`` needs ``randbelow(n)`` (``secrets``, or ``random.Random`` via ``randrange``).
    """
    taken = _taken_test(used)
    draw: Callable[[int], int] = getattr(rng, "randbelow", None) or rng.randrange
    for _ in range(tries):
        candidate = draw(size)
        if not taken(candidate):
            return candidate
    free = [index for index in range(size) if not taken(index)]  # dense list: fall back to a scan
    if not free:
        raise ValueError("the status list is full")
    return free[draw(len(free))]


def _taken_test(used: Collection[int] | bytes | bytearray) -> Callable[[int], bool]:
    if isinstance(used, bytes | bytearray):
        bitmap = used
        return lambda index: index >> 3 < len(bitmap) and bool(bitmap[index >> 3] >> (index & 7) & 1)
    return used.__contains__


# --- Status List Tokens -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusListToken:
    """A verified Status List Token."""

    status_list: StatusList
    uri: str
    iat: int
    exp: int | None
    ttl: int | None


def status_list_token(
    status_list: StatusList,
    *,
    uri: str,
    issuer_key: jose.KeyLike,
    ttl: int,
    iat: int,
    exp: int | None = None,
    iss: str | None = None,
    kid: str | None = None,
    alg: str | None = None,
) -> str:
    """A signed Status List Token (JWT, ``typ: statuslist+jwt``) for the list published at ``uri``."""
    header: dict[str, Any] = {"alg": alg or jose.default_alg(issuer_key), "typ": STATUS_LIST_TYP}
    if kid is not None:
        header["kid"] = kid
    payload: dict[str, Any] = {"sub": uri, "iat": iat, "ttl": ttl, "status_list": status_list.to_claim()}
    if exp is not None:
        payload["exp"] = exp
    if iss is not None:
        payload["iss"] = iss
    return jose.sign_compact(header, payload, issuer_key)


def read_status_list_token(
    token: str,
    key: jose.KeyLike,
    *,
    uri: str,
    now: int,
    allowed_algs: Collection[str] = DEFAULT_ALLOWED_ALGS,
    max_bytes: int = MAX_LIST_BYTES,
) -> StatusListToken:
    """Verify a Status List Token (typ, algorithm, signature, ``sub``, ``iat``, ``exp``) and decode it."""
    _, payload = _verified_parts(token.strip(), key, allowed_algs)
    if payload.get("sub") != uri:
        raise _fail("status_list.sub", f"the token is for {payload.get('sub')!r}, not {uri!r}")
    iat, exp, ttl = (
        _integer(payload, "iat", True),
        _integer(payload, "exp", False),
        _integer(payload, "ttl", False),
    )
    if exp is not None and now >= exp:
        raise _fail("status_list.expired", "the Status List Token has expired")
    claim = payload.get("status_list")
    if not isinstance(claim, dict) or not isinstance(claim.get("lst"), str):
        raise _fail("status_list.malformed", "the token has no status_list {bits, lst}")
    bits = claim.get("bits")
    if not isinstance(bits, int) or isinstance(bits, bool):
        raise _fail("status_list.malformed", "status_list.bits must be an integer")
    status_list = StatusList.decode(claim["lst"], bits, max_bytes=max_bytes)
    assert iat is not None
    return StatusListToken(status_list, uri, iat, exp, ttl)


def verify_status_list_token(token: str, key: jose.KeyLike, *, uri: str, now: int) -> StatusList:
    """The list in a Status List Token once it verifies; otherwise StatusListInvalid."""
    return read_status_list_token(token, key, uri=uri, now=now).status_list


def _verified_parts(
    token: str, key: jose.KeyLike, allowed_algs: Collection[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    pieces = token.split(".")
    if len(pieces) != 3:
        raise _fail("status_list.malformed", "a Status List Token is a compact JWS")
    try:
        header, payload = jose.decode_json_part(pieces[0]), jose.decode_json_part(pieces[1])
        signature = jose.b64url_decode(pieces[2])
    except jose.JoseError as error:
        raise _fail("status_list.malformed", "the token is not base64url-encoded JSON") from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise _fail("status_list.malformed", "the token's header and payload must be objects")
    if header.get("typ") != STATUS_LIST_TYP:
        raise _fail("status_list.typ", f"typ must be {STATUS_LIST_TYP!r}")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed_algs or alg not in jose.ALGORITHMS:
        raise _fail("status_list.signature", f"algorithm {alg!r} is not allowed")
    try:
        good = jose.verify(alg, jose.public_key(key), f"{pieces[0]}.{pieces[1]}".encode("ascii"), signature)
    except jose.JoseError as error:
        raise _fail("status_list.signature", f"the key cannot verify this token: {error}") from error
    if not good:
        raise _fail("status_list.signature", "the Status List Token's signature does not verify")
    return header, payload


def _integer(payload: Mapping[str, Any], name: str, required: bool) -> int | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail("status_list.malformed", f"{name!r} must be a non-negative integer")
    return value


# --- the verifier's cache ---------------------------------------------------------------------------


@dataclass
class _Entry:
    token: StatusListToken
    fresh_until: float


class StatusListCache:
    """Status lists by URI for a verifier, each kept for its token's ``ttl`` (bounded).

    ``fetch(uri) -> token text`` is injected (HTTP in production, a dict in tests); ``key`` is the status
    issuer's key or ``f(uri) -> key``. A token without ``ttl`` is kept ``default_ttl`` seconds; none longer
    than ``max_ttl`` or past its ``exp``. Fetching is serialised per cache, so a burst of presentations
    naming one list fetches it once.
    """

    def __init__(
        self,
        fetch: Callable[[str], str],
        key: jose.KeyLike | Callable[[str], jose.KeyLike],
        *,
        clock: Callable[[], float] = time.time,
        default_ttl: int = 300,
        max_ttl: int = 86_400,
    ) -> None:
        self._fetch = fetch
        self._key = key
        self._clock = clock
        self._default_ttl = default_ttl
        self._max_ttl = max_ttl
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def get(self, uri: str) -> StatusList:
        """The list at ``uri``, fetched only when the cached copy is stale."""
        with self._lock:
            now = self._clock()
            entry = self._entries.get(uri)
            if entry is None or now >= entry.fresh_until:
                entry = self._load(uri, now)
                self._entries[uri] = entry
            return entry.token.status_list

    def status(self, reference: Mapping[str, Any]) -> int:
        """The status a credential's ``status`` claim (or its ``status_list`` member) points at."""
        inner = reference.get("status_list", reference)
        if not isinstance(inner, Mapping):
            raise _fail("status_list.malformed", "status.status_list must be an object")
        uri, index = inner.get("uri"), inner.get("idx")
        if not isinstance(uri, str) or not isinstance(index, int) or isinstance(index, bool):
            raise _fail("status_list.malformed", "status.status_list needs 'uri' and an integer 'idx'")
        return self.get(uri).get(index)

    def invalidate(self, uri: str | None = None) -> None:
        with self._lock:
            if uri is None:
                self._entries.clear()
            else:
                self._entries.pop(uri, None)

    def _load(self, uri: str, now: float) -> _Entry:
        try:
            text = self._fetch(uri)
        except Exception as error:  # any transport failure is one reason for the verifier
            raise _fail("status_list.fetch", f"could not fetch {uri}: {error}") from error
        self.fetches += 1
        key = self._key(uri) if callable(self._key) else self._key
        token = read_status_list_token(text, key, uri=uri, now=int(now))
        ttl = min(token.ttl if token.ttl is not None else self._default_ttl, self._max_ttl)
        fresh_until = now + ttl
        if token.exp is not None:
            fresh_until = min(fresh_until, token.exp)
        return _Entry(token, fresh_until)
