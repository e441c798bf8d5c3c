"""Nara's own sites as clients of its provider, like any other: the portal and the back office.

Their client secrets are derived from NARA_SECRET_KEY (so every process agrees without storing them);
at start-up each is registered if missing, and its redirect URIs follow NARA_PUBLIC_URL.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from nara import identity
from nara.kernel.db import transaction
from nara.settings import Settings


@dataclass(frozen=True)
class Site:
    client_id: str
    name: str
    home: str  # where a signed-in person lands
    callback: str  # path of the redirect URI
    scopes: tuple[str, ...]
    cookie: str


PORTAL = Site(
    "nara-portal", "나라 포털", "/me", "/auth/callback", ("openid", "profile", "mydata"), "nara_portal"
)
OFFICE = Site(
    "nara-office", "나라 업무시스템", "/office", "/office/auth/callback", ("openid", "profile"), "nara_office"
)
SITES = {site.client_id: site for site in (PORTAL, OFFICE)}


def site_secret(settings: Settings, site: Site) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"client-secret:{site.client_id}".encode(), hashlib.sha256).hexdigest()


def register_sites(sessions: sessionmaker[Session], settings: Settings) -> None:
    """Register (or bring up to date) the portal and the back office as government clients.

    Several workers start at once (`nara serve --workers N`): on a fresh database all find the clients
    missing and all register them; the unique client id lets one win, and the others start again and
    find its rows (an insert that lost the race fails on the unique client id, or on the check before
    it when the winner had committed)."""
    for attempt in range(3):
        try:
            _register(sessions, settings)
            return
        except (IntegrityError, identity.ClientInvalid):  # another worker registered it meanwhile
            if attempt == 2:
                raise


def _register(sessions: sessionmaker[Session], settings: Settings) -> None:
    with transaction(sessions) as session:
        for site in SITES.values():
            redirect = f"{settings.public_url}{site.callback}"
            existing = identity.find_client(session, site.client_id)
            if existing is None:
                identity.register_client(
                    session,
                    client_id=site.client_id,
                    name=site.name,
                    kind="government",
                    redirect_uris=[redirect],
                    post_logout_redirect_uris=[f"{settings.public_url}/"],
                    scopes=list(site.scopes),
                    owner="나라",
                    requests_per_minute=60_000,  # every citizen's portal calls share this client's bucket
                )
                existing = identity.find_client(session, site.client_id)
            assert existing is not None
            # Added, not replaced: several deployments (or test servers) may share one database. An
            # address given up for good is dropped with `nara identity clients set-redirects`.
            existing.redirect_uris = _with(existing.redirect_uris, redirect)
            existing.post_logout_redirect_uris = _with(
                existing.post_logout_redirect_uris, f"{settings.public_url}/"
            )
            if not identity.secret_matches(existing, site_secret(settings, site)):
                existing.secret_hash = PasswordHasher().hash(site_secret(settings, site))


def _with(uris: list[str], uri: str) -> list[str]:
    return uris if uri in uris else [*uris, uri]
