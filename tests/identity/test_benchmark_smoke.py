"""The identity benchmark still runs (tiny sizes; its figures are printed, never checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_identity_benchmark_runs(database_url: str) -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "identity.py")]
    command += ["--tokens", "5", "--requests", "3", "--token-requests", "2", "--warm-up", "1"]
    if database_url.startswith("postgresql"):  # its own schema there, dropped afterwards
        command += ["--database-url", database_url]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for figure in ("issue", "decisions/s", "check adds", "/oauth/token", "requests/s"):
        assert figure in done.stdout, (figure, done.stdout)
