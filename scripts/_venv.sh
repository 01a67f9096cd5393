# Sourced by run.sh and test.sh: a virtual environment with the pinned requirements.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-$ROOT/.venv}"
REQS="${1:-requirements.txt}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.installed-$(cat requirements.txt "$REQS" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  echo "==> installing $REQS"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -r "$REQS"
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
