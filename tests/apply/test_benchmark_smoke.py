"""benchmarks/apply.py still runs (tiny sizes, SQLite, one worker; its figures are printed, never checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_apply_benchmark_runs() -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "apply.py"), "--database-url", "sqlite"]
    command += ["--workers", "1", "--clients", "2", "--citizens", "2", "--households", "200"]
    command += ["--submissions", "4", "--journeys", "2"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for figure in ("POST /bundles/birth/submit", "full journey", "errors 0", "all there exactly once",
                   "recorded, not re-measured"):  # fmt: skip
        assert figure in done.stdout, (figure, done.stdout)
