#!/usr/bin/env bash
# One command on a fresh machine: install, lint, start PostgreSQL for the storage tests, run the
# whole test suite (the service tests run on SQLite and on PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
if url=$(bash scripts/postgres.sh); then
  export ROSTER_TEST_PG_URL="$url"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL could not be started (scripts/postgres.sh)" >&2
  exit 1
else
  echo "PostgreSQL not available: its test variants will be skipped" >&2
fi
exec .venv/bin/python -m pytest -q -p no:cacheprovider -n 2 "$@"
