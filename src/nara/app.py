"""create_app(settings): the only module that imports every domain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import anyio.to_thread
from fastapi import FastAPI

from nara import assistant, identity, notices, registry
from nara.apply import models as apply_models
from nara.audit import models as audit_models
from nara.catalog import models as catalog_models
from nara.consent import models as consent_models
from nara.identity import models as identity_models
from nara.kernel.clock import today
from nara.kernel.db import Base, make_engine, session_factory
from nara.kernel.ratelimit import RateLimiter
from nara.kernel.signing import load_or_create_key
from nara.notices import models as notices_models
from nara.proactive import models as proactive_models
from nara.settings import Settings, get_settings
from nara.wallet import models as wallet_models
from nara.wallet.context import open_wallet
from nara.web import (
    api,
    apply_api,
    apply_documents,
    apply_office,
    apply_pages,
    apply_submit_api,
    assistant_web,
    eligibility_api,
    errors,
    guide_api,
    guide_me,
    guide_pages,
    mydata_api,
    mydata_pages,
    notices_api,
    notices_pages,
    office,
    oidc,
    openapi,
    pages,
    portal,
    security,
    sign_in,
    sites,
    verifier_pages,
    wallet_api,
    wallet_office,
    wallet_pages,
)
from nara.web.state import AppState, CatalogSearch

# Every domain's tables, for migrations and test set-up.
METADATA = Base.metadata
_MODELS = (
    apply_models,
    audit_models,
    catalog_models,
    consent_models,
    identity_models,
    notices_models,
    proactive_models,
    wallet_models,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The Nara web application: portal pages and the open API v1."""
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    search = CatalogSearch(sessions)

    exchange = registry.open_exchange(
        sessions,
        settings.registry_url,
        settings.registry_keys_dir,
        audit_key=load_or_create_key(settings.audit_key_path),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sites.register_sites(sessions, settings)
        search.index()  # the search index, before the first citizen waits for it
        assistant.prepare(today())  # the Korean analyser and compiled rules, before the first message
        # Blocking handlers run in the thread pool; a few at a time keep a worker's CPU on requests
        # rather than on its threads taking turns (40, the default, was slower on two cores).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        yield
        app.state.nara.exchange.store.dispose()
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Nara 공공서비스 API",
        version="1.0.0",
        description="나라(Nara) 디지털플랫폼정부의 공개 API입니다. 오류는 RFC 9457 problem+json으로 돌려줍니다.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.nara = AppState(
        settings=settings,
        engine=engine,
        sessions=sessions,
        search=search,  # the one the lifespan indexes before the first request
        exchange=exchange,
        download_key=load_or_create_key(settings.download_key_path),
        tokens=identity.TokenService(
            identity.load_or_create_provider_key(settings.provider_key_path), settings.public_url
        ),
        revocations=identity.TokenGate(sessions),
        rate_limiter=RateLimiter(),
        outbox=identity.DevelopmentOutbox(settings.outbox_path),
        verifier=identity.SimulatedVerifier(exchange.store.find_resident, registry.mobile_phone),
        relying_party=identity.RelyingParty(
            id=urlsplit(settings.public_url).hostname or "localhost",
            name="나라 통합로그인",
            origin=settings.public_url,
        ),
        notice_channels=(
            notices.SmsChannel(settings.notices_outbox_dir / "notices-sms.jsonl", settings.public_url),
            notices.EmailChannel(settings.notices_outbox_dir / "notices-email.jsonl", settings.public_url),
        ),
        payment_gateway=notices.SimulatedGateway(),
    )
    app.state.wallet = open_wallet(
        sessions, exchange, app.state.nara.tokens, keys_dir=settings.registry_keys_dir,
        secret=settings.secret_key.get_secret_value().encode(), public_url=settings.public_url,
    )  # fmt: skip
    security.install(app)
    errors.install(app)
    app.include_router(api.router)
    app.include_router(eligibility_api.router)
    app.include_router(guide_api.router)
    app.include_router(assistant_web.api)
    app.include_router(mydata_api.router)
    app.include_router(notices_api.router)
    app.include_router(oidc.protocol)
    app.include_router(oidc.router)
    app.include_router(sign_in.router)
    app.include_router(portal.router)
    app.include_router(office.router)
    app.include_router(apply_api.router)
    app.include_router(apply_submit_api.router)
    app.include_router(apply_documents.api)
    app.include_router(apply_documents.router)
    app.include_router(apply_office.router)
    app.include_router(apply_pages.router)
    app.include_router(guide_pages.router)
    app.include_router(assistant_web.pages)
    app.include_router(guide_me.router)
    app.include_router(pages.router)
    app.include_router(mydata_pages.router)
    app.include_router(notices_pages.router)
    app.include_router(wallet_api.router)
    app.include_router(wallet_pages.router)
    app.include_router(verifier_pages.router)
    app.include_router(wallet_office.router)
    pages.mount_static(app)
    openapi.install(app)
    return app
