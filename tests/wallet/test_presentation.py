"""OpenID4VP 1.0 with DCQL: signed request objects, direct_post, key binding to nonce and client_id,
only the chosen claims, receipts; driven over HTTP by the holder's protocol functions."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.journeys import state_of
from tests.wallet.test_issuance import offer_for
from tests.wallet.walletflow import wallet_ctx

from nara.kernel.db import transaction
from nara.wallet import holder, keys, sdjwt, verifier
from nara.wallet.models import PresentationRequest, Verifier
from nara.wallet.refusals import WalletRefused
from nara.wallet.statuses import StatusChecker

OWNER = "SYN8"
REGISTRY = "http://localhost:8000/api/v1/wallet/verifiers/"


def register(client: TestClient, name: str = "나라은행") -> Verifier:
    with transaction(state_of(client).sessions) as session:
        found, _key = verifier.do_register_verifier(
            session, wallet_ctx(client), name=name, purpose="계좌 개설", retention_days=30
        )
    return found


def ask(client: TestClient, bank: Verifier, claims: tuple[str, ...] = ("address",)) -> holder.Authorization:
    with transaction(state_of(client).sessions) as session:
        made = verifier.do_create_request(
            session, bank, doc="resident-register-extract", claims=list(claims), label="주소 확인"
        )
        link = verifier.authorization_uri(wallet_ctx(client), bank, made)
    return holder.parse_authorization(link)


@pytest.fixture
def held(client: TestClient) -> str:
    """The owner's wallet holds a fresh 등본 (the copies' group id)."""
    copies = holder.receive(client, holder.parse_offer(offer_for(client, OWNER).uri))
    with transaction(state_of(client).sessions) as session:
        return holder.do_store(session, wallet_ctx(client).store_vault, OWNER, copies)


def prepare(
    client: TestClient, group: str, asked: holder.VerifierRequest, chosen: list[str]
) -> holder.Prepared:
    with transaction(state_of(client).sessions) as session:
        return holder.do_prepare(session, wallet_ctx(client).store_vault, OWNER, group, asked, chosen)


def outcome(client: TestClient, auth: holder.Authorization) -> PresentationRequest:
    with state_of(client).sessions() as session:
        request_id = auth.request_uri.split("/")[-2]
        found = session.get(PresentationRequest, request_id)
        assert found is not None
        return found


def test_the_request_object_is_a_signed_jar_with_a_dcql_query(client: TestClient) -> None:
    bank = register(client)
    auth = ask(client, bank)
    assert auth.link.startswith("openid4vp://?client_id=nara-verifier-")
    raw = client.get(auth.request_uri)
    assert raw.headers["content-type"] == "application/oauth-authz-req+jwt"
    metadata = client.get(f"{REGISTRY}{bank.client_id}").json()
    jwk = metadata["jwks"]["keys"][0]
    header, claims = keys.read_jwt(raw.text, jwk, verifier.REQUEST_TYP)
    assert (header["alg"], header["typ"]) == ("ES256", "oauth-authz-req+jwt")
    assert (claims["response_type"], claims["response_mode"]) == ("vp_token", "direct_post")
    assert claims["client_id"] == bank.client_id
    query = claims["dcql_query"]["credentials"][0]
    assert query["format"] == "dc+sd-jwt"
    assert query["claims"] == [{"path": ["address"]}]
    assert query["meta"]["vct_values"] == ["https://nara.example/vct/resident-register-extract"]


def test_a_wallet_refuses_a_request_not_signed_by_the_named_verifier(client: TestClient) -> None:
    bank, impostor = register(client), register(client, "가짜은행")
    auth = ask(client, bank)
    with pytest.raises(WalletRefused) as refused:
        holder.resolve(client, replace(auth, client_id=impostor.client_id), REGISTRY)
    assert refused.value.code == "wallet.request_untrusted"


def test_only_the_chosen_claims_reach_the_verifier_with_a_signed_receipt(
    client: TestClient, held: str
) -> None:
    bank = register(client)
    auth = ask(client, bank)
    asked = holder.resolve(client, auth, REGISTRY)
    assert asked.asked == ("address",)
    prepared = prepare(client, held, asked, ["address"])
    presentation = json.loads(prepared.vp_token)[asked.query_id][0]
    assert [d.name for _, d in sdjwt.inspect(presentation.rsplit("~", 1)[0] + "~").disclosures] == ["address"]
    answer = holder.submit(client, asked, prepared.vp_token)
    assert answer.accepted, answer.message
    closed = outcome(client, auth)
    assert closed.status == "verified"
    assert set(json.loads(closed.result or "{}")["claims"]) == {"address"}
    with transaction(state_of(client).sessions) as session:
        receipt = holder.do_keep_receipt(session, OWNER, asked, prepared.vp_token, answer.receipt)
    assert json.loads(receipt.claims) == ["address"]
    assert (receipt.purpose, receipt.retention_days) == ("계좌 개설", 30)


def test_a_presentation_cannot_be_replayed_or_sent_to_another_request(client: TestClient, held: str) -> None:
    bank = register(client)
    first, second = ask(client, bank), ask(client, bank)
    asked = holder.resolve(client, first, REGISTRY)
    prepared = prepare(client, held, asked, ["address"])
    assert holder.submit(client, asked, prepared.vp_token).accepted
    replayed = holder.submit(client, asked, prepared.vp_token)
    assert (replayed.accepted, replayed.code) == (False, "wallet.request_closed")
    other = holder.resolve(client, second, REGISTRY)
    elsewhere = holder.submit(client, replace(asked, state=other.state), prepared.vp_token)
    assert (elsewhere.accepted, elsewhere.code) == (False, "sdjwt.kb_nonce")
    assert "QR 코드를 다시 읽어" in elsewhere.message
    assert outcome(client, second).failure_code == "sdjwt.kb_nonce"


def test_a_missing_claim_or_a_declined_request_is_a_clear_failure(client: TestClient, held: str) -> None:
    bank = register(client)
    auth = ask(client, bank, ("address", "name"))
    asked = holder.resolve(client, auth, REGISTRY)
    short = holder.submit(client, asked, prepare(client, held, asked, ["address"]).vp_token)
    assert (short.accepted, short.code) == (False, "wallet.claims_missing")
    assert "성명" in short.message
    declined = ask(client, bank)
    state = holder.resolve(client, declined, REGISTRY).state
    client.post("/api/v1/wallet/verifier/response", data={"error": "access_denied", "state": state})
    assert outcome(client, declined).failure_code == "wallet.declined"


def test_the_verifier_reads_a_status_list_once_per_ttl_not_per_presentation(
    client: TestClient, held: str
) -> None:
    ctx = wallet_ctx(client)
    ctx.checker = StatusChecker(ctx)
    bank = register(client)
    for _ in range(2):
        asked = holder.resolve(client, ask(client, bank), REGISTRY)
        assert holder.submit(client, asked, prepare(client, held, asked, ["address"]).vp_token).accepted
    assert ctx.checker.cache.fetches == 1


def test_a_verifier_portal_key_is_checked(client: TestClient) -> None:
    bank = register(client)
    with state_of(client).sessions() as session:
        assert verifier.verifier_for_key(session, bank.id, "wrong") is None
        assert _the_key_never_stored_in_clear(session, bank)


def _the_key_never_stored_in_clear(session: Session, bank: Verifier) -> bool:
    row = session.get(Verifier, bank.id)
    return row is not None and b"PRIVATE KEY" not in row.signing_key
