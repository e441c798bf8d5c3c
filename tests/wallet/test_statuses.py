"""Revocation and suspension through 2-bit Token Status Lists of 2^20 entries, random indices, published
as signed JWTs with a ttl; verifiers cache them; officials of the issuing agency change them."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient
from tests.identity.journeys import csrf_of, signed_in, state_of
from tests.identity.test_office import make_official, office_sign_in
from tests.wallet.test_issuance import offer_for
from tests.wallet.walletflow import wallet_ctx

from nara.kernel.db import transaction
from nara.wallet import holder, issuer, status_list, statuses
from nara.wallet.models import StatusListRow
from nara.wallet.refusals import WalletRefused

PERSON = "SYN9"


def issued(client: TestClient, person: str = PERSON) -> tuple[str, list[holder.ReceivedCopy]]:
    copies = holder.receive(client, holder.parse_offer(offer_for(client, person).uri))
    with state_of(client).sessions() as session:
        batch = issuer.issuances_of(session, person)[0].batch_id
    return batch, copies


def status_now(client: TestClient, copy: holder.ReceivedCopy) -> int:
    assert copy.status_uri is not None
    assert copy.status_index is not None
    answer = client.get(copy.status_uri)
    assert answer.headers["content-type"] == "application/statuslist+jwt"
    key = wallet_ctx(client).issuer_key.public_key()
    lst = status_list.verify_status_list_token(answer.text, key, uri=copy.status_uri, now=_now())
    return lst.get(copy.status_index)


def _now() -> int:
    return int(time.time())


def change(client: TestClient, batch: str, status: str) -> None:
    with transaction(state_of(client).sessions) as session:
        statuses.do_set_status(session, batch, status, actor="test", reason="시험")


def test_lists_have_a_million_two_bit_entries_and_indices_are_random(client: TestClient) -> None:
    _batch, copies = issued(client)
    with state_of(client).sessions() as session:
        row = session.get(StatusListRow, copies[0].status_uri.rsplit("/", 1)[1])  # type: ignore[union-attr]
        assert row is not None
        assert (row.size, row.bits, len(row.bitmap)) == (2**20, 2, 2**20 * 2 // 8)
    indices = [copy.status_index for copy in copies]
    assert len(set(indices)) == len(indices)
    assert (
        indices != sorted(indices) or max(i for i in indices if i is not None) > 1000
    )  # not handed out in order


def test_suspend_reinstate_then_revoke_and_revocation_is_final(client: TestClient) -> None:
    batch, copies = issued(client)
    assert status_now(client, copies[0]) == status_list.VALID
    change(client, batch, "suspended")
    assert {status_now(client, copy) for copy in copies} == {status_list.SUSPENDED}  # every copy
    change(client, batch, "valid")
    assert status_now(client, copies[1]) == status_list.VALID
    change(client, batch, "invalid")
    assert status_now(client, copies[2]) == status_list.INVALID
    with pytest.raises(WalletRefused) as refused:
        change(client, batch, "valid")
    assert refused.value.code == "wallet.status_final"


def test_the_published_token_is_signed_with_a_ttl(client: TestClient) -> None:
    _batch, copies = issued(client)
    assert copies[0].status_uri is not None
    token = client.get(copies[0].status_uri).text
    key = wallet_ctx(client).issuer_key.public_key()
    read = status_list.read_status_list_token(token, key, uri=copies[0].status_uri, now=_now())
    assert read.ttl == wallet_ctx(client).status_ttl
    assert read.exp is not None
    assert read.exp > read.iat


def test_a_verifier_sees_a_change_only_when_its_cached_list_is_stale(client: TestClient) -> None:
    batch, copies = issued(client)
    ctx, moment = wallet_ctx(client), [_now()]
    checker = statuses.StatusChecker(ctx, clock=lambda: moment[0])
    uri, index = copies[0].status_uri, copies[0].status_index
    assert uri is not None
    assert index is not None
    assert checker.status(uri, index) == status_list.VALID
    change(client, batch, "invalid")
    assert checker.status(uri, index) == status_list.VALID  # within the ttl: the cached list
    moment[0] += ctx.status_ttl + 1
    assert checker.status(uri, index) == status_list.INVALID
    assert checker.cache.fetches == 2


def test_only_officials_of_the_issuing_agency_change_statuses(client: TestClient) -> None:
    make_official(client, "010-7100-0002", "income", "decider")
    office_sign_in(client, "010-7100-0002")
    assert client.get(f"/office/wallet?person={PERSON}").status_code == 403
    client.cookies.clear()
    with signed_in(client, PERSON):
        assert client.get("/office/wallet").status_code in (303, 403)  # a citizen is no official
    make_official(client, "010-7100-0003", "resident", "decider")
    office_sign_in(client, "010-7100-0003")
    page = client.get(f"/office/wallet?person={PERSON}")
    assert page.status_code == 200
    assert "전자증명서 관리" in page.text
    batch = re.search(r'action="/office/wallet/([^/]+)/status"', page.text)
    assert batch
    done = client.post(
        f"/office/wallet/{batch.group(1)}/status",
        data={"csrf_token": csrf_of(page.text), "action": "suspend"},
    )
    assert "잠시 정지했습니다" in done.text
    client.cookies.clear()
