#!/usr/bin/env bash
# The long soak (issue 14 item 4): tests/e2e/test_soak.sh with bigger batches for longer — four
# departments importing (two locally, two through `credit serve`), viewers querying locally and
# remotely, publish and purge-expired running — then the same checks (every accepted row once,
# exit codes, every query audited, audit verify, integrity_check). Prints the figures the suite
# prints (query latency under load, counts) with the machine's load.
# Usage: bench/soak.sh [SECONDS] [ROWS_PER_BATCH]   (default 300 s, 20,000 rows)
set -euo pipefail
cd "$(dirname "$0")/.."
export SOAK_SECONDS=${1:-300} SOAK_ROWS=${2:-20000}
export CREDIT_BIN=${CREDIT:-$PWD/build/credit}
echo "load before: $(uptime)"
start=$(date +%s)
bash tests/e2e/test_soak.sh 2>&1 | grep -E '^(soak|FAIL|test_soak)|checks'
end=$(date +%s)
echo "wall time $((end - start)) s; load after: $(uptime)"
