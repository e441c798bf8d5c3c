"""Failpoints for fault-injection tests: ``NARA_FAILPOINTS=name,…`` makes ``failpoint(name)`` kill the
process on the spot (SIGKILL — no clean-up, no rollback handler), as a crash or ``kill -9`` would.

Off unless the variable names the point; never set in production.
"""

from __future__ import annotations

import os
import signal


def failpoint(name: str) -> None:
    if name in os.environ.get("NARA_FAILPOINTS", "").split(","):
        os.kill(os.getpid(), signal.SIGKILL)
