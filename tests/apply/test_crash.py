"""kill -9 of the server during a bundle submission: on restart every application is either fully there or
not at all, and the citizen sees which.

The real thing, end to end: a fresh database and registries made by the `nara` command, `nara serve` in a
process of its own with the ``apply.submit.midway`` failpoint (SIGKILL once half of the bundle's
applications are flushed, before the commit), a new mother signing in and submitting 행복출산 over HTTP;
then the database is read directly, the server is started again without the failpoint and the same form is
submitted again.

On PostgreSQL the server's tables go into a schema of their own in the test database (``search_path``),
dropped afterwards; the registries are SQLite files in the test's folder either way.

What it caught once: on SQLite the submission's row was inserted under a SAVEPOINT that, the driver having
opened no transaction before it, committed on release; after the crash an empty submission was left that
every retry with its key found ("접수되었습니다", nothing received).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from nara import apply, registry
from nara.apply.models import ApplicationRow, EventRow, SubmissionRow
from nara.kernel.clock import today
from nara.kernel.db import make_engine
from tests.apply import live_server
from tests.apply.forms import form_values
from tests.apply.making import typed_fields

HOUSEHOLDS = 40
BIRTH = apply.bundles()["birth"]


@pytest.fixture
def server_database(database_url: str) -> Iterator[str]:
    """A database of the server's own: a SQLite file, or a fresh schema in the PostgreSQL test database."""
    if not database_url.startswith("postgresql"):
        yield ""  # the test puts a file in its tmp_path
        return
    schema = f"nara_crash_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(database_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _new_mother(registry_url: str) -> live_server.Resident:
    store = registry.RegistryStore(registry_url)
    try:
        found = live_server.mothers(store, 1, childless=True)
    finally:
        store.dispose()
    if not found:
        pytest.fail(f"no married woman without children among {HOUSEHOLDS} generated households")
    return found[0]


def _review(client: httpx.Client) -> httpx.Response:
    """행복출산 from consent to the review page, with a baby born ten days ago."""
    page = client.get("/bundles/birth")
    if "동의하고 신청서 채우기" in page.text:
        consent = form_values(page.text, "/bundles/birth/consent")
        page = client.post("/bundles/birth/consent", data=consent, follow_redirects=True)
    assert page.status_code == 200, page.text
    answers = {"newborn.name": "한결", "newborn.birth_date": (today() - timedelta(days=10)).isoformat(),
               "newborn.sex": "male", "newborn.childcare": "none"}  # fmt: skip
    review = client.post(
        "/bundles/birth/check", data=form_values(page.text, "/bundles/birth/check") | answers
    )
    assert review.status_code == 200, review.text
    return review


def _expected_applications(form: Mapping[str, str]) -> int:
    """One application per chosen service, or one per part for a request fanned out to several agencies."""
    chosen = [k.removeprefix("choose.") for k, v in form.items() if k.startswith("choose.") and v == "yes"]
    return sum(_applications_of(service) for service in chosen)


def _applications_of(service_id: str) -> int:
    spec = apply.form(service_id)
    assert spec is not None
    return max(1, len(spec.parts))


def _written(database_url: str, person_id: str, key: str) -> tuple[int, int, int]:
    """(submissions with this key, the person's applications, their events) as the database holds them."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            submissions = connection.scalar(
                select(func.count()).where(SubmissionRow.person_id == person_id,
                                           SubmissionRow.submission_key == key)
            )  # fmt: skip
            applications = connection.scalar(
                select(func.count()).where(ApplicationRow.person_id == person_id)
            )
            events = connection.scalar(
                select(func.count())
                .select_from(EventRow)
                .join(ApplicationRow, ApplicationRow.id == EventRow.application_id)
                .where(ApplicationRow.person_id == person_id)
            )
    finally:
        engine.dispose()
    return submissions or 0, applications or 0, events or 0


def test_a_kill_9_during_a_bundle_submission_leaves_all_or_nothing(
    tmp_path: Path, server_database: str
) -> None:
    database_url = server_database or f"sqlite:///{tmp_path / 'nara.db'}"
    env = live_server.environment(tmp_path, database_url, live_server.free_port())
    live_server.prepare(env, HOUSEHOLDS)
    mother, outbox = _new_mother(env["NARA_REGISTRY_URL"]), Path(env["NARA_OUTBOX_PATH"])
    server = live_server.Server(env, tmp_path / "server.log")
    try:
        server.start(failpoints="apply.submit.midway")
        with httpx.Client(base_url=server.url, timeout=30) as client:
            live_server.sign_in(client, mother, outbox)
            review = _review(client)
            form = form_values(review.text, "/bundles/birth/submit") | typed_fields(BIRTH.all_services)
            key, expected = form["submission_key"], _expected_applications(form)
            assert expected >= 2, "the bundle should fan out, so that a crash can leave half of it"

            with pytest.raises(httpx.TransportError):  # the server dies mid-request: no answer at all
                client.post("/bundles/birth/submit", data=form)
            assert server.wait(timeout=30) == -signal.SIGKILL
            assert _written(database_url, mother.person_id, key) == (0, 0, 0), (
                "half a bundle survived the crash"
            )

            server.start()  # the same database, without the failpoint
            shown = client.get(f"/me/applications?submitted={key}")  # still signed in: sessions are kept
            assert shown.status_code == 200, (shown.status_code, shown.headers.get("location"))
            assert "이 신청은 접수되지 않았습니다" in shown.text
            assert "접수되었습니다</h2>" not in shown.text

            again = client.post("/bundles/birth/submit", data=form, follow_redirects=True)
            assert again.status_code == 200, again.text
            assert "접수되었습니다" in again.text
            receipts = re.findall(r"접수번호 <strong>([0-9A-Z-]+)</strong>", again.text)
            assert len(set(receipts)) == expected
            assert _written(database_url, mother.person_id, key) == (1, expected, expected)

            third = client.post("/bundles/birth/submit", data=form, follow_redirects=True)
            assert "접수되었습니다" in third.text
            assert re.findall(r"접수번호 <strong>([0-9A-Z-]+)</strong>", third.text) == receipts
            assert _written(database_url, mother.person_id, key) == (1, expected, expected)
    finally:
        server.stop()
