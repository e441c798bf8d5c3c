"""The portal and back office register themselves as clients at start-up, once, however many workers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from nara import identity
from nara.kernel.db import session_factory
from nara.settings import Settings
from nara.web import sites


def test_a_worker_that_loses_the_race_to_register_starts_again(
    engine: Engine, app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = session_factory(engine)
    sites.register_sites(sessions, app_settings)  # the worker that won
    looked: list[str] = []
    real_find = identity.find_client

    def find_before_the_winner_committed(session: Any, client_id: str) -> Any:
        looked.append(client_id)
        return None if len(looked) == 1 else real_find(session, client_id)

    monkeypatch.setattr(sites.identity, "find_client", find_before_the_winner_committed)
    sites.register_sites(sessions, app_settings)  # its insert hits the unique client id, then it looks again
    assert len(looked) > len(sites.SITES)
    with sessions() as session:
        for site in sites.SITES.values():
            client = real_find(session, site.client_id)
            assert client is not None
            assert identity.secret_matches(client, sites.site_secret(app_settings, site))
