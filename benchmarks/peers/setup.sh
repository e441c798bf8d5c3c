#!/usr/bin/env bash
# The peer benchmark's own venv (benchmarks/peers/.venv): OpenFisca-core, numpy and pyarrow, kept apart
# from Nara's venv. Idempotent: does nothing when the venv already imports all three.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "import openfisca_core, numpy, pyarrow" 2>/dev/null; then
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "openfisca-core>=46,<47" numpy pyarrow
"$venv/bin/python" -c "import importlib.metadata as m; print('peer venv:', *(f'{p} {m.version(p)}' for p in ('openfisca-core', 'numpy', 'pyarrow')))"
