#!/usr/bin/env bash
# Install what the project needs into ./.venv (idempotent): the Python packages from PyPI, and
# Debian's chromium for the browser tests (`--no-browser` skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
if [ "${1:-}" != "--no-browser" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "installing Chromium (Debian package) for the browser tests…" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq chromium; } >&2; then
    echo "Chromium could not be installed; the browser tests will be skipped" >&2
    [ "${CI:-}" = "true" ] && exit 1
  fi
fi
exit 0
