"""Test helpers that go through sign-in the way a person does (enrol with a code, then the portal's
OpenID Connect round trip), and that make accounts and tokens directly when the journey is not the point."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from nara import identity, registry
from nara.kernel.db import transaction
from nara.web.state import AppState


def state_of(client: TestClient) -> AppState:
    state: AppState = client.app.state.nara  # type: ignore[attr-defined]
    return state


def resident(client: TestClient, person_id: str) -> tuple[str, date]:
    """The registered name and birth date of a synthetic resident."""
    store = state_of(client).exchange.store
    facts = [store.catalogue.facts["member.name"], store.catalogue.facts["member.birth_date"]]
    record = store.read("resident", person_id, facts)
    assert record is not None, person_id
    return str(record["member.name"]), date.fromisoformat(str(record["member.birth_date"]))


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def last_code(client: TestClient, phone: str) -> str:
    outbox = state_of(client).outbox
    assert isinstance(outbox, identity.DevelopmentOutbox)
    match = re.search(r"인증번호 (\d{6})", outbox.messages_to(phone)[-1])
    assert match
    return match.group(1)


def enrol(client: TestClient, person_id: str) -> None:
    """Identity proofing with name, birth date and a code to the registered phone: a provider session."""
    name, born = resident(client, person_id)
    page = client.get("/enrol?continue=/sign-in")
    sent = client.post(
        "/enrol",
        data={
            "csrf_token": csrf_of(page.text),
            "name": name,
            "birth_date": born.isoformat(),
            "continue": "/me",
        },
    )
    assert sent.status_code == 200, sent.text
    code = last_code(client, registry.mobile_phone(person_id))
    done = client.post(
        "/enrol/verify",
        data={"csrf_token": csrf_of(sent.text), "pending": hidden(sent.text, "pending"), "code": code},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


@contextmanager
def signed_in(client: TestClient, person_id: str = "SYN0") -> Iterator[TestClient]:
    """The shared client signed in to the portal as ``person_id`` (enrolled if need be) for the block."""
    client.cookies.clear()
    enrol(client, person_id)
    landed = client.get("/sign-in?next=/me")
    assert landed.status_code == 200, landed.text
    assert landed.url.path == "/me", landed.url
    try:
        yield client
    finally:
        client.cookies.clear()


def citizen_account(client: TestClient, person_id: str) -> identity.Account:
    with transaction(state_of(client).sessions) as session:
        found = identity.account_of_person(session, person_id)
        if found is None:
            name, _ = resident(client, person_id)
            found = identity.create_citizen_account(
                session, person_id=person_id, display_name=name, phone=registry.mobile_phone(person_id)
            )
        return found


def token_for(client: TestClient, person_id: str, scope: str = "mydata", **claims: Any) -> str:
    """An access token the portal could have obtained for ``person_id`` (made directly)."""
    account = citizen_account(client, person_id)
    return state_of(client).tokens.issue_access_token(
        subject=account.id,
        client_id=claims.pop("client_id", "nara-portal"),
        scope=scope,
        kind="citizen",
        **claims,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_official(client: TestClient, phone: str, agency: str, role: str) -> str:
    with transaction(state_of(client).sessions) as session:
        account = identity.create_official_account(session, display_name=f"공무원{phone[-4:]}", phone=phone)
        identity.grant_role(session, account_id=account.id, agency=agency, role=role, granted_by="operator")
    return account.id


def office_sign_in(client: TestClient, phone: str) -> None:
    """Sign in with a one-time code to the official's phone, then into the back office."""
    client.cookies.clear()
    page = client.get("/login")
    sent = client.post("/login/code", data={"csrf_token": csrf_of(page.text), "phone": phone})
    code_id = re.search(r'name="code_id" value="([^"]+)"', sent.text)
    assert code_id
    client.post(
        "/login/code/verify",
        data={
            "csrf_token": csrf_of(sent.text),
            "code_id": code_id.group(1),
            "code": last_code(client, phone),
        },
    )
    landed = client.get("/office/sign-in")
    assert landed.url.path == "/office", landed.url
