#!/usr/bin/env bash
# Audit export and verification at scale: memory must stay flat in the log's size.
#   bench/audit.sh [SIZES...]        default: 100000 1000000
# For each size it creates a store, appends that many chained entries (bench helper audit_fill,
# through the library's own append), then measures with /usr/bin/time -v: `audit export --out`
# (NDJSON and CSV), `audit verify` of the store, `audit verify --export` offline, and the first
# `audit checkpoint` (which verifies the whole log before signing). Data goes to a temporary
# directory (BENCH_DIR to choose) and is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-100000 1000000}")
read -r -a SIZES <<<"${SIZES[*]}"
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$BUILD" -j2 credit audit_fill >/dev/null
BIN=$PWD/$BUILD/credit
FILL=$PWD/$BUILD/audit_fill
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/credit-bench-audit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
unset CREDIT_NOW CREDIT_TOKEN

# measure LABEL CMD... : prints "LABEL  seconds  peak-RSS-MiB"
measure() {
  local label=$1
  shift
  /usr/bin/time -v -o time.txt "$@" >/dev/null 2>err.txt || {
    cat err.txt >&2
    exit 1
  }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' time.txt)
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' time.txt)
  printf '%-34s %10s s %9s MiB\n' "$label" "$(to_seconds "$wall")" "$rss"
}
to_seconds() {  # h:mm:ss or m:ss.cc → seconds
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"
}

printf '%-34s %12s %13s\n' "step" "wall" "peak RSS"
for n in "${SIZES[@]}"; do
  rm -f s.db* *.ndjson* *.csv* cp.json
  "$BIN" --store s.db init --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >admin.token
  chmod 600 admin.token
  "$BIN" --store s.db --token-file admin.token user add aud1 --role auditor --format json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >aud.token
  chmod 600 aud.token
  export CREDIT_STORE=s.db CREDIT_TOKEN_FILE=aud.token
  echo "--- $n entries"
  measure "fill (bench helper, one tx)" "$FILL" s.db "$n"
  measure "audit export --out (ndjson)" "$BIN" audit export --out log.ndjson
  measure "audit export --format csv --out" "$BIN" audit export --format csv --out log.csv
  measure "audit export to stdout" "$BIN" audit export
  measure "audit export --action (filtered)" "$BIN" audit export --action record.amend --out amend.ndjson
  measure "audit verify (store)" "$BIN" audit verify
  measure "audit verify --export (offline)" "$BIN" audit verify --export log.ndjson
  measure "audit verify --export csv" "$BIN" audit verify --export log.csv
  measure "audit checkpoint (first: full)" "$BIN" audit checkpoint --out cp.json
  measure "audit checkpoint (incremental)" "$BIN" audit checkpoint --out cp2.json
  printf '%-34s %10s   %9s\n' "store / export size" "$(du -m s.db | cut -f1) MiB" "$(du -m log.ndjson | cut -f1) MiB"
done
