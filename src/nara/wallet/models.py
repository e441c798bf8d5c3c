"""The wallet's tables: what the issuer issued, the status lists it publishes, the verifiers and their
requests, and the web wallet's store (held credentials with their encrypted holder keys, receipts,
the citizen's 유통이력).

Issuer, verifier and wallet are three parties that happen to share one database here; none reads
another's tables: they talk through the OpenID4VCI and OpenID4VP endpoints.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base, UTCDateTime

# --- issuer -------------------------------------------------------------------------------------------


class CredentialOffer(Base):
    """A pre-authorised code offered from the citizen's signed-in session (OpenID4VCI §4.1)."""

    __tablename__ = "wallet_offers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the pre-authorised code
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # of the access token it gave
    person_id: Mapped[str] = mapped_column(String(80), index=True)
    account_id: Mapped[str] = mapped_column(String(40))
    doc_type: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # code exchanged for a token
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # credentials issued (once)


class IssuerNonce(Base):
    """A ``c_nonce`` from the nonce endpoint: single use, short-lived."""

    __tablename__ = "wallet_nonces"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StatusListRow(Base):
    """A Token Status List (2 bits per credential) the issuer publishes as a signed JWT."""

    __tablename__ = "wallet_status_lists"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    uri: Mapped[str] = mapped_column(String(300), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    bits: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)  # indices handed out
    bitmap: Mapped[bytes] = mapped_column(LargeBinary)  # size * bits / 8 bytes, as the draft packs it
    allocated: Mapped[bytes] = mapped_column(LargeBinary)  # one bit per entry: handed out already
    ttl_seconds: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IssuedCredential(Base):
    """One issued copy: its own holder key, salts and status index. Copies of one issuance share a batch."""

    __tablename__ = "wallet_issued_credentials"
    __table_args__ = (UniqueConstraint("status_list_id", "status_index"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[str] = mapped_column(String(80), index=True)
    doc_type: Mapped[str] = mapped_column(String(60))
    status_list_id: Mapped[str] = mapped_column(ForeignKey("wallet_status_lists.id"))
    status_index: Mapped[int] = mapped_column(Integer)
    holder_thumbprint: Mapped[str] = mapped_column(String(64))  # RFC 7638 of the holder's public key
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="valid")  # valid|invalid|suspended|superseded
    status_reason: Mapped[str | None] = mapped_column(String(300))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_changed_by: Mapped[str | None] = mapped_column(String(200))


# --- verifier -----------------------------------------------------------------------------------------


class Verifier(Base):
    """A bank or an office that asks citizens for credentials (a pre-registered OpenID4VP client)."""

    __tablename__ = "wallet_verifiers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(300))
    retention_days: Mapped[int] = mapped_column(Integer)
    signing_key: Mapped[bytes] = mapped_column(LargeBinary)  # P-256 private key, encrypted at rest
    manage_key_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the portal key shown once
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PresentationRequest(Base):
    """One OpenID4VP request: a DCQL query, a nonce and a state, and what came back."""

    __tablename__ = "wallet_presentation_requests"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    verifier_id: Mapped[str] = mapped_column(ForeignKey("wallet_verifiers.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    dcql: Mapped[str] = mapped_column(Text)  # JSON
    nonce: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|verified|failed|expired
    result: Mapped[str | None] = mapped_column(Text)  # JSON: disclosed claims (verified) or nothing
    failure_code: Mapped[str | None] = mapped_column(String(80))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- the web wallet's store -----------------------------------------------------------------------------


class HeldCredential(Base):
    """A credential copy in a citizen's web wallet, with its holder key; both encrypted at rest."""

    __tablename__ = "wallet_held_credentials"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), index=True)  # the citizen (person id)
    group_id: Mapped[str] = mapped_column(String(40), index=True)  # copies received together
    vct: Mapped[str] = mapped_column(String(200))
    doc_type: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(300))
    credential: Mapped[bytes] = mapped_column(LargeBinary)  # the issued SD-JWT, encrypted
    holder_key: Mapped[bytes] = mapped_column(LargeBinary)  # private JWK, encrypted; never leaves the store
    status_uri: Mapped[str | None] = mapped_column(String(300))
    status_index: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # one-time copies are used once


class Receipt(Base):
    """A verifier's signed receipt for a presentation, kept by the wallet."""

    __tablename__ = "wallet_receipts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), index=True)
    verifier: Mapped[str] = mapped_column(String(80))  # client_id
    verifier_name: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(Text)  # the signed receipt JWT
    presentation_hash: Mapped[str] = mapped_column(String(64))
    claims: Mapped[str] = mapped_column(Text)  # JSON list of disclosed claim names
    purpose: Mapped[str] = mapped_column(String(300))
    retention_days: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HistoryEvent(Base):
    """One line of the citizen's 유통이력: issued, presented, failed, receipt, revoked, suspended …"""

    __tablename__ = "wallet_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    doc_type: Mapped[str] = mapped_column(String(60))
    counterparty: Mapped[str] = mapped_column(String(200))  # the issuer or the verifier, by name
    claims: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of claim names
    detail: Mapped[str] = mapped_column(String(500), default="")
    reference: Mapped[str] = mapped_column(String(80), default="")  # a credential group, a request, a receipt
    access_position: Mapped[int | None] = mapped_column(Integer)  # the access-log record, if any
    at: Mapped[datetime] = mapped_column(UTCDateTime())
