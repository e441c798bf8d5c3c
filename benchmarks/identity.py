"""Identity and access figures: tokens, authorisation checks, the token endpoint (printed, never asserted).

    .venv/bin/python benchmarks/identity.py [--tokens 5000] [--requests 1000] [--token-requests 500]
        [--warm-up 50] [--database-url URL]

Everything happens in a fresh temporary folder: the app is made by ``nara.app.create_app`` with every path
(provider, audit and download keys, the SMS outbox, the agency registries) pointing there, and its tables
are made with ``METADATA.create_all``. Nara's database is a SQLite file there unless ``--database-url``
names another; for PostgreSQL the tables go into a schema of their own (``nara_bench_identity_<pid>``,
reached through ``search_path``), dropped at the end, so nothing else in that database is touched. The
registries stay empty: none of these figures reads them.

1. Tokens: ``--tokens`` RS256 access tokens issued one by one (``TokenService.issue_access_token``), then
   each verified (``verify_access_token``); single thread, tokens/s for each.
2. Authorisation decisions: for each of those tokens, the whole check a request pays —
   ``verify_access_token``, ``TokenGate.principal`` (warm cache: the client and account are re-read at
   most every 2 s) and ``decide`` on the MyData read rule; decisions/s, p50 and p99. Then the gate alone
   with its cache emptied before each call (the two database reads a cache miss costs).
3. End to end through the ASGI app (``starlette.testclient.TestClient``): ``GET /api/v1/life-events`` (a
   public route, cheap, with an empty catalogue) with no token and with a valid ``api.read`` client token
   — a token on a public route is still fully verified, checked against the gate and rate-limited — taken
   in alternation, ``--requests`` each after ``--warm-up``; p50 and p99 of both and the difference, "check
   adds X ms". For scale, the same for ``GET /api/v1/me/consents`` with a citizen token (a protected route:
   the check, then one query).
4. The token endpoint: ``--token-requests`` ``POST /oauth/token`` with ``grant_type=client_credentials``
   and HTTP Basic client authentication, one at a time; requests/s. The first request pays for the
   argon2id secret check (printed apart); later ones find the verified pair remembered.

Machine noise: figures are from a noisy 2-core machine shared with other work; expect ±10–20 % between
runs, more on the p99s. Compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url

from nara import identity
from nara.app import METADATA, create_app
from nara.kernel.db import make_engine, transaction
from nara.settings import Settings
from nara.web.state import AppState

if TYPE_CHECKING:
    from starlette.testclient import TestClient

PUBLIC_URL = "http://localhost:8000"
APP_CLIENT = "bench-app"  # a third-party app using client credentials (scope api.read)
SITE_CLIENT = "bench-portal"  # a government site holding citizens' tokens (scope mydata)
PERSON = "BENCH0"
UNLIMITED = 1_000_000_000  # requests per minute: keep the rate limiter out of the figures
READ_MY_DATA = identity.Rule(("citizen",), "self_view", frozenset({"mydata"}))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call: Callable[[], object], times: int) -> list[float]:
    """Milliseconds each of ``times`` calls took."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.3f} ms, p99 {percentile(values, 0.99):.3f} ms"


@contextmanager
def database(url: str | None, folder: Path) -> Iterator[str]:
    """The URL Nara's tables are made in: a SQLite file in ``folder``, or a schema of our own in PostgreSQL
    (made first, dropped with everything in it at the end)."""
    if url is None:
        yield f"sqlite:///{folder / 'nara.db'}"
        return
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        yield url
        return
    schema = f"nara_bench_identity_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def settings_in(folder: Path, database_url: str) -> Settings:
    keys = folder / "keys"
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=secrets.token_urlsafe(32),
        registry_url=f"sqlite:///{folder / 'registries'}/{{agency}}.db",
        registry_keys_dir=keys,
        audit_key_path=keys / "audit.pem",
        download_key_path=keys / "download.pem",
        provider_key_path=keys / "provider.pem",
        outbox_path=folder / "outbox" / "sms.jsonl",
        public_url=PUBLIC_URL,
    )


def set_up(state: AppState) -> tuple[str, str]:
    """The benchmark's clients and citizen; the citizen's account id and the app's client secret."""
    with transaction(state.sessions) as session:
        _, app_secret = identity.register_client(
            session,
            client_id=APP_CLIENT,
            name="벤치마크 앱",
            kind="third_party",
            redirect_uris=[],
            scopes=["api.read"],
            owner="benchmark",
            grant_types=["client_credentials"],
            requests_per_minute=UNLIMITED,
        )
        identity.register_client(
            session,
            client_id=SITE_CLIENT,
            name="벤치마크 누리집",
            kind="government",
            redirect_uris=["http://127.0.0.1:9/callback"],
            scopes=["openid", "mydata"],
            owner="benchmark",
            requests_per_minute=UNLIMITED,
        )
        citizen = identity.create_citizen_account(
            session, person_id=PERSON, display_name="벤치마크", phone="010-0000-0000"
        )
    return citizen.id, app_secret


def citizen_token(state: AppState, account_id: str) -> str:
    return state.tokens.issue_access_token(
        subject=account_id, client_id=SITE_CLIENT, scope="openid mydata", kind="citizen"
    )


def measure_tokens(args: argparse.Namespace, state: AppState, account_id: str) -> list[str]:
    tokens = state.tokens
    for _ in range(args.warm_up):
        tokens.verify_access_token(citizen_token(state, account_id))
    started = time.perf_counter()
    issued = [citizen_token(state, account_id) for _ in range(args.tokens)]
    issuing = time.perf_counter() - started
    started = time.perf_counter()
    for token in issued:
        tokens.verify_access_token(token)
    verifying = time.perf_counter() - started
    print(
        f"access tokens (RS256, 2048-bit key, {len(issued[0])} characters), {args.tokens:,} one at a time: "
        f"issue {args.tokens / issuing:,.0f}/s ({issuing / args.tokens * 1000:.3f} ms each), "
        f"verify {args.tokens / verifying:,.0f}/s ({verifying / args.tokens * 1000:.3f} ms each)"
    )
    return issued


def measure_decisions(args: argparse.Namespace, state: AppState, issued: list[str]) -> None:
    tokens, gate = state.tokens, state.revocations

    def check(token: str) -> None:
        identity.decide(READ_MY_DATA, gate.principal(tokens.verify_access_token(token)))

    check(issued[0])  # the gate's cache is warm from here on (refreshed every 2 s)
    spent = []
    for token in issued:
        started = time.perf_counter()
        check(token)
        spent.append((time.perf_counter() - started) * 1000)
    total = sum(spent) / 1000
    print(
        f"authorisation decision (verify + TokenGate.principal, warm cache + decide), {len(issued):,}: "
        f"{len(issued) / total:,.0f} decisions/s; {summary(spent)}"
    )
    claims = tokens.verify_access_token(issued[0])

    def cold() -> None:
        gate.forget(client_id=claims.client_id, account_id=claims.subject)
        gate.principal(claims)

    cold_times = max(1, min(len(issued), 1000))
    print(
        f"TokenGate.principal alone, cache emptied before each call (2 database reads), "
        f"{cold_times:,}: {summary(timed(cold, cold_times))}"
    )
    warm = timed(lambda: gate.principal(claims), cold_times)
    print(f"TokenGate.principal alone, warm cache, {cold_times:,}: {summary(warm)}")


def alternate(
    client: TestClient, path: str, headers: list[dict[str, str]], count: int, warm_up: int
) -> list[list[float]]:
    """Latencies (ms) of ``GET path`` with each of ``headers`` in turn, ``count`` each after ``warm_up``."""
    spent: list[list[float]] = [[] for _ in headers]
    for round_ in range(warm_up + count):
        for index, header in enumerate(headers):
            started = time.perf_counter()
            response = client.get(path, headers=header)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}: {response.text[:300]}")
            if round_ >= warm_up:
                spent[index].append(elapsed)
    return spent


def measure_requests(
    args: argparse.Namespace, client: TestClient, state: AppState, account_id: str, app_token: str
) -> None:
    path = "/api/v1/life-events"
    anonymous, with_token = alternate(
        client, path, [{}, {"Authorization": f"Bearer {app_token}"}], args.requests, args.warm_up
    )
    added_p50 = statistics.median(with_token) - statistics.median(anonymous)
    added_p99 = percentile(with_token, 0.99) - percentile(anonymous, 0.99)
    print(
        f"GET {path} through the ASGI app (TestClient), {args.requests:,} each, alternating:\n"
        f"  no token:              {summary(anonymous)}\n"
        f"  api.read client token: {summary(with_token)}\n"
        f"  check adds {added_p50:.3f} ms at p50 ({added_p99:+.3f} ms at p99) (goal < 1 ms)"
    )
    token = citizen_token(state, account_id)
    (consents,) = alternate(
        client, "/api/v1/me/consents", [{"Authorization": f"Bearer {token}"}], args.requests, args.warm_up
    )
    print(
        f"  for scale, GET /api/v1/me/consents with a citizen token (check + one query): {summary(consents)}"
    )


def measure_token_endpoint(args: argparse.Namespace, client: TestClient, app_secret: str) -> str:
    form = {"grant_type": "client_credentials", "scope": "api.read"}

    def ask() -> str:
        response = client.post("/oauth/token", data=form, auth=(APP_CLIENT, app_secret))
        if response.status_code != 200:
            raise SystemExit(f"POST /oauth/token answered {response.status_code}: {response.text[:300]}")
        token: str = response.json()["access_token"]
        return token

    started = time.perf_counter()
    token = ask()
    first = (time.perf_counter() - started) * 1000
    for _ in range(args.warm_up):
        ask()
    spent = timed(ask, args.token_requests)
    total = sum(spent) / 1000
    print(
        f"POST /oauth/token (client_credentials, HTTP Basic), {args.token_requests:,} one at a time: "
        f"{args.token_requests / total:,.0f} requests/s; {summary(spent)}; "
        f"the first (argon2id secret check) {first:.1f} ms"
    )
    return token


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=positive, default=5_000, help="tokens issued, verified, checked")
    parser.add_argument("--requests", type=positive, default=1_000, help="timed GETs of each kind")
    parser.add_argument("--token-requests", type=positive, default=500, help="timed token requests")
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="Nara's database (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; figures are noisy "
        "(a shared 2-core machine: ±10–20 % between runs, more at p99); "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    with tempfile.TemporaryDirectory() as name, database(args.database_url, Path(name)) as url:
        folder = Path(name)
        engine = make_engine(url)
        METADATA.create_all(engine)
        print(f"Nara's database: {engine.url.render_as_string(hide_password=True)}")
        engine.dispose()
        app = create_app(settings_in(folder, url))
        state: AppState = app.state.nara
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

        with TestClient(app, base_url=PUBLIC_URL) as client:
            account_id, app_secret = set_up(state)
            issued = measure_tokens(args, state, account_id)
            measure_decisions(args, state, issued)
            app_token = measure_token_endpoint(args, client, app_secret)
            measure_requests(args, client, state, account_id, app_token)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
