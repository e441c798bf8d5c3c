"""Nara as it runs for real, for the crash test and benchmarks/apply.py: a folder of its own, the database
and registries made by the `nara` command, `nara serve` in a process of its own, and citizens who enrol
with the code from the development outbox and sign in over HTTP.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import RowMapping, select

from nara import identity, registry
from nara.kernel.clock import today
from tests.identity.journeys import csrf_of, hidden

ROOT = Path(__file__).resolve().parents[2]
NARA = [sys.executable, "-m", "nara.cli"]


class ServerFailed(RuntimeError):
    """The server stopped while starting, or did not answer in time (its log's tail in the message)."""


@dataclass(frozen=True)
class Resident:
    person_id: str
    name: str
    born: date


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(
    folder: Path, database_url: str, port: int, registry_url: str | None = None
) -> dict[str, str]:
    """The environment of every `nara` command of one run: all its files in ``folder``, served on ``port``
    (registries: SQLite files in ``folder`` unless ``registry_url``)."""
    keys = folder / "keys"
    nara = {
        "NARA_ENV": "test",
        "NARA_SECRET_KEY": secrets.token_urlsafe(32),  # the same for every server of the run: cookies hold
        "NARA_DATABASE_URL": database_url,
        "NARA_REGISTRY_URL": registry_url or f"sqlite:///{folder / 'registries'}/{{agency}}.db",
        "NARA_REGISTRY_KEYS_DIR": str(keys),
        "NARA_AUDIT_KEY_PATH": str(keys / "audit.pem"),
        "NARA_DOWNLOAD_KEY_PATH": str(keys / "download.pem"),
        "NARA_PROVIDER_KEY_PATH": str(keys / "provider.pem"),
        "NARA_OUTBOX_PATH": str(folder / "outbox" / "sms.jsonl"),
        "NARA_NOTICES_OUTBOX_DIR": str(folder / "outbox"),
        "NARA_PROACTIVE_DIR": str(folder / "proactive"),
        "NARA_HOST": "127.0.0.1",
        "NARA_PORT": str(port),
        "NARA_PUBLIC_URL": f"http://localhost:{port}",  # the portal signs in only on its public address
    }
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("NARA_")}
    return inherited | nara


def prepare(env: Mapping[str, str], households: int, seed: int = 1) -> None:
    """The database migrated and the registries loaded, by the `nara` command (both at once)."""
    commands = [["db", "upgrade"], ["registry", "load", "--households", str(households), "--seed", str(seed)]]
    running = [
        subprocess.Popen([*NARA, *command], cwd=ROOT, env=dict(env), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
        for command in commands
    ]  # fmt: skip
    for command, process in zip(commands, running, strict=True):
        output, _ = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise RuntimeError(f"nara {' '.join(command)} failed:\n{output.decode()[-3000:]}")


class Server:
    """`nara serve` in its own process. With one worker a failpoint's SIGKILL takes the whole server."""

    def __init__(self, env: Mapping[str, str], log: Path, workers: int = 1) -> None:
        self.env, self.log, self.workers = dict(env), log, workers
        self.url = env["NARA_PUBLIC_URL"]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, failpoints: str = "", within: float = 90) -> None:
        """Start and wait until the portal answers (a loaded 2-core machine: usually within 10 s)."""
        command = [*NARA, "serve", "--workers", str(self.workers)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env | {"NARA_FAILPOINTS": failpoints}, stdout=log, stderr=log,
                start_new_session=True,  # a process group of its own: stop() ends the workers too
            )
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"the server stopped while starting:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/bundles", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise ServerFailed(f"the server did not answer within {within:.0f} s:\n{self.log_tail()}")

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """The server and every worker it started (its own process group): a worker left behind would
        hold its port and, its supervisor gone, spin on the health-check pipe."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def mothers(store: registry.RegistryStore, count: int, *, childless: bool) -> list[Resident]:
    """Up to ``count`` married women of 20 to 45 (``childless``: whose household has no children), in the
    registry's order: whoever the generated population holds, nobody hard-coded."""
    table = store.table("resident")
    with store.engine("resident").connect() as connection:
        rows = list(connection.execute(select(table).order_by(table.c.person_id)).mappings())
    households: dict[str, list[RowMapping]] = {}
    for row in rows:
        households.setdefault(str(row["household_id"]), []).append(row)
    youngest, oldest = today().year - 45, today().year - 20
    found = []
    for members in households.values():
        relations = {str(m["relation"]) for m in members}
        if not {"self", "spouse"} <= relations or (childless and "child" in relations):
            continue
        for member in members:
            born = member["birth_date"]
            assert isinstance(born, date)
            if member["sex"] == "female" and youngest <= born.year <= oldest:
                found.append(Resident(str(member["person_id"]), str(member["name"]), born))
        if len(found) >= count:
            break
    return found[:count]


def sign_in(client: httpx.Client, citizen: Resident, outbox: Path) -> None:
    """Enrol with name, birth date and the code the development outbox holds, then sign in to the portal."""
    page = client.get("/enrol?continue=/sign-in")
    sent = client.post("/enrol", data={"csrf_token": csrf_of(page.text), "name": citizen.name,
                                       "birth_date": citizen.born.isoformat(), "continue": "/me"})  # fmt: skip
    if sent.status_code != 200:
        raise AssertionError(f"enrolment of {citizen.person_id}: {sent.status_code} {sent.text[:500]}")
    messages = identity.DevelopmentOutbox(outbox).messages_to(registry.mobile_phone(citizen.person_id))
    code = re.search(r"인증번호 (\d{6})", messages[-1]) if messages else None
    if code is None:
        raise AssertionError(f"no code for {citizen.person_id} in {outbox}")
    verified = client.post("/enrol/verify", data={"csrf_token": csrf_of(sent.text),
                                                  "pending": hidden(sent.text, "pending"), "code": code.group(1)})  # fmt: skip
    if verified.status_code != 303:
        raise AssertionError(
            f"code check of {citizen.person_id}: {verified.status_code} {verified.text[:500]}"
        )
    landed = client.get("/sign-in?next=/me", follow_redirects=True)
    if landed.url.path != "/me":
        raise AssertionError(f"{citizen.person_id} did not land on /me but on {landed.url}")
