#!/usr/bin/env bash
# One command on a fresh machine: install, then solve the embedded demo instance
# (prints the roster grid and the KPI table; writes out/demo/roster.csv, roster.xlsx, report.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
exec .venv/bin/roster solve --out out/demo "$@"
