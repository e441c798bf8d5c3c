"""Wallet-core figures for issue #8 (printed, never asserted).

    .venv/bin/python benchmarks/wallet.py [--seconds 2.0] [--status-bits 2] [--profile]

1. SD-JWT VC with key binding: a credential of 5 selectively disclosable claims (plus iss, iat, exp,
   vct, cnf), ES256 issuer and holder keys. Operations per second of issue, present (2 of 5 claims + a
   KB-JWT) and verify, each run for ``--seconds``; then the same operations with the ``sd-jwt`` reference
   implementation (dev extra) on the same claims and keys, and the ratio ours / reference. Nara's verify
   does more than the reference's: it also checks typ, exp/nbf/iat, the KB-JWT's iat window, duplicate
   digests and unreferenced Disclosures. ``--profile`` prints the top functions of our verify.
2. Token Status List of 2^20 entries (``--status-bits``, 1 % of entries not VALID, spread at random):
   raw and compressed size, encode and decode time, and a million random ``get`` calls.

Machine noise: ECDSA-bound figures vary ±10-15 % between runs on a shared 2-core machine; compare the
ratio of one run, not absolute figures across runs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import time
from collections.abc import Callable
from typing import Any

from joserfc.jwk import ECKey

from nara.wallet import StatusList, issue, present, verify

AUDIENCE = "https://verifier.nara.example"
NONCE = "bench-nonce-0001"
NOW = int(time.time())
CLAIMS: dict[str, Any] = {
    "iss": "https://nara.example/issuer",
    "iat": NOW - 60,
    "exp": NOW + 86_400,
    "vct": "urn:nara:credential:resident-registration",
    "name": "홍길동",
    "birthdate": "1990-03-01",
    "address": {"sido": "서울특별시", "sigungu": "종로구", "road": "세종대로 209"},
    "resident_number_prefix": "900301",
    "over_19": True,
}
DISCLOSABLE = [("name",), ("birthdate",), ("address",), ("resident_number_prefix",), ("over_19",)]


def rate(call: Callable[[], object], seconds: float) -> float:
    """Calls per second over about ``seconds`` (after 20 warm-up calls)."""
    for _ in range(20):
        call()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(20):
            call()
        count += 20
    return count / elapsed


def measure_ours(seconds: float, issuer: ECKey, holder: ECKey) -> dict[str, float]:
    holder_jwk = holder.as_dict(private=False)
    issued = issue(CLAIMS, disclosable=DISCLOSABLE, issuer_key=issuer, holder_jwk=holder_jwk)
    chosen = {("name",), ("over_19",)}
    presentation = present(issued, disclose=chosen, holder_key=holder, audience=AUDIENCE, nonce=NONCE)
    issuer_public = issuer.as_dict(private=False)
    verified = verify(presentation, issuer_keys=issuer_public, audience=AUDIENCE, nonce=NONCE)
    assert verified.claims["name"] == "홍길동"
    return {
        "issue": rate(lambda: issue(CLAIMS, disclosable=DISCLOSABLE, issuer_key=issuer, holder_jwk=holder_jwk), seconds),
        "present": rate(lambda: present(issued, disclose=chosen, holder_key=holder, audience=AUDIENCE, nonce=NONCE), seconds),
        "verify": rate(lambda: verify(presentation, issuer_keys=issuer_public, audience=AUDIENCE, nonce=NONCE), seconds),
    }  # fmt: skip


def measure_reference(seconds: float, issuer: ECKey, holder: ECKey) -> dict[str, float] | None:
    try:
        from jwcrypto.jwk import JWK
        from sd_jwt.common import SDObj
        from sd_jwt.holder import SDJWTHolder
        from sd_jwt.issuer import SDJWTIssuer
        from sd_jwt.verifier import SDJWTVerifier
    except ImportError:
        return None
    issuer_private, issuer_public = JWK(**issuer.as_dict(private=True)), JWK(**issuer.as_dict(private=False))
    holder_private, holder_public = JWK(**holder.as_dict(private=True)), JWK(**holder.as_dict(private=False))
    user_claims = {SDObj(name) if (name,) in DISCLOSABLE else name: value for name, value in CLAIMS.items()}
    header = {"typ": "dc+sd-jwt"}

    def do_issue() -> str:
        made = SDJWTIssuer(
            user_claims, issuer_private, holder_key=holder_public, extra_header_parameters=header
        )
        return str(made.sd_jwt_issuance)

    issued = do_issue()

    def do_present() -> str:
        holder_side = SDJWTHolder(issued)
        holder_side.create_presentation(
            {"name": True, "over_19": True}, nonce=NONCE, aud=AUDIENCE, holder_key=holder_private
        )
        return str(holder_side.sd_jwt_presentation)

    presentation = do_present()

    def do_verify() -> Any:
        checked = SDJWTVerifier(
            presentation, lambda iss, hdr: issuer_public, expected_aud=AUDIENCE, expected_nonce=NONCE
        )
        return checked.get_verified_payload()

    assert do_verify()["name"] == "홍길동"
    return {
        "issue": rate(do_issue, seconds),
        "present": rate(do_present, seconds),
        "verify": rate(do_verify, seconds),
    }


def profile_verify(issuer: ECKey, holder: ECKey) -> None:
    issued = issue(
        CLAIMS, disclosable=DISCLOSABLE, issuer_key=issuer, holder_jwk=holder.as_dict(private=False)
    )
    presentation = present(issued, disclose={("name",)}, holder_key=holder, audience=AUDIENCE, nonce=NONCE)
    public = issuer.as_dict(private=False)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(2000):
        verify(presentation, issuer_keys=public, audience=AUDIENCE, nonce=NONCE)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    print(out.getvalue())


def measure_status_list(bits: int) -> None:
    size = 2**20
    rng = random.Random(8)
    statuses = StatusList(size, bits)
    for index in rng.sample(range(size), size // 100):
        statuses.set(index, rng.randrange(1, 1 << bits))
    started = time.perf_counter()
    lst = statuses.encode()
    encoded = time.perf_counter() - started
    started = time.perf_counter()
    decoded = StatusList.decode(lst, bits)
    decoding = time.perf_counter() - started
    assert decoded == statuses
    indices = [rng.randrange(size) for _ in range(1_000_000)]
    started = time.perf_counter()
    for index in indices:
        decoded.get(index)
    getting = time.perf_counter() - started
    print(f"status list: 2^20 entries × {bits} bits, 1 % not VALID")
    print(
        f"  raw {len(statuses.to_bytes()):,} bytes · lst {len(lst):,} characters (ZLIB level 9 + base64url)"
    )
    print(
        f"  encode {encoded * 1000:.1f} ms · decode {decoding * 1000:.1f} ms · 1,000,000 get() {getting:.2f} s"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on each operation")
    parser.add_argument("--status-bits", type=int, default=2, choices=(1, 2, 4, 8))
    parser.add_argument("--profile", action="store_true", help="profile Nara's verify")
    args = parser.parse_args(argv)
    issuer, holder = ECKey.generate_key("P-256"), ECKey.generate_key("P-256")
    ours = measure_ours(args.seconds, issuer, holder)
    reference = measure_reference(args.seconds, issuer, holder)
    print("SD-JWT VC, 5 disclosable claims, ES256, key binding (operations/s)")
    print(f"  {'':8} {'Nara':>10} {'sd-jwt ref':>11} {'ratio':>7}")
    for operation, ours_rate in ours.items():
        if reference is None:
            print(f"  {operation:8} {ours_rate:10,.0f} {'(absent)':>11}")
            continue
        print(
            f"  {operation:8} {ours_rate:10,.0f} {reference[operation]:11,.0f} {ours_rate / reference[operation]:6.2f}×"
        )
    if reference is None:
        print("  the sd-jwt reference package is not installed (pip install -e '.[dev]')")
    if args.profile:
        profile_verify(issuer, holder)
    measure_status_list(args.status_bits)


if __name__ == "__main__":
    main()
