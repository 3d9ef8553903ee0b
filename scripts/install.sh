#!/usr/bin/env bash
# One-command setup: a clean virtual environment in .venv with spinecase and its development extras.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
echo "spinecase installed in .venv — try: .venv/bin/spinecase extract --example"
