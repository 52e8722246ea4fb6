#!/usr/bin/env bash
# Long benchmark runs (not part of CI): pytest-benchmark suites, the Curtois & Qu batch and the
# region batch at the time limit given (default 60 s per instance). Results: benchmarks/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
LIMIT=${1:-60}
mkdir -p benchmarks/results
.venv/bin/python -m pytest benchmarks -p no:cacheprovider -q \
  --benchmark-json benchmarks/results/pytest_benchmark.json
.venv/bin/python -m benchmarks.curtois_batch --time-limit "$LIMIT" --workers 2 \
  --out benchmarks/results
.venv/bin/python -m benchmarks.region_batch --sizes 30,100,300,1000 --time-limit "$LIMIT" \
  --workers 2 --out benchmarks/results
