"""Key files made on first use: many starting at once all get the one key that was written, none fails.

`nara serve --workers 2` on a fresh folder had one worker die at start-up (FileExistsError on
provider.pem, made by the other worker a moment before); found by benchmarks/apply.py on 2026-12-07.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from nara.identity import load_or_create_provider_key
from nara.kernel.keyfiles import read_or_create
from nara.kernel.signing import load_or_create_key
from nara.wallet.keys import load_or_create, public_jwk

STARTING_AT_ONCE = 12


def _all_at_once(load: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(STARTING_AT_ONCE)

    def start() -> Any:
        barrier.wait()
        return load()

    with ThreadPoolExecutor(STARTING_AT_ONCE) as pool:
        return list(pool.map(lambda _: start(), range(STARTING_AT_ONCE)))


@pytest.mark.parametrize(
    ("name", "load", "public"),
    [
        ("audit.pem", load_or_create_key, lambda key: key.public_jwk()),
        ("provider.pem", load_or_create_provider_key, lambda key: key.jwk.as_dict(private=False)),
        ("wallet.pem", load_or_create, public_jwk),
    ],
    ids=["signing", "provider", "wallet"],
)
def test_workers_starting_together_share_one_key(
    tmp_path: Path, name: str, load: Callable[[Path], Any], public: Callable[[Any], dict[str, Any]]
) -> None:
    for attempt in range(5):
        path = tmp_path / str(attempt) / "keys" / name
        keys = _all_at_once(lambda: load(path))  # noqa: B023 — called before the loop moves on
        assert all(public(key) == public(keys[0]) for key in keys)
        assert public(load(path)) == public(keys[0])  # and the one on disk
        assert path.stat().st_mode & 0o777 == 0o600
        assert [p.name for p in path.parent.iterdir()] == [name]  # no temporary file left behind


def test_the_first_written_wins_and_is_never_seen_half_written(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    made = [bytes([n]) * 100_000 for n in range(STARTING_AT_ONCE)]
    counter = iter(range(STARTING_AT_ONCE))
    lock = threading.Lock()

    def make() -> bytes:
        with lock:
            return made[next(counter)]

    read = _all_at_once(lambda: read_or_create(path, make))
    assert len(set(read)) == 1
    assert read[0] in made
    assert path.read_bytes() == read[0]
