#!/usr/bin/env bash
# What free-text screening (docs/privacy.md) costs, side by side in one run, on ROWS generated
# penalty rows (default one million; bench/import.sh's file):
#   import  — `credit import` under the shipped profile (every free-text field of every row
#             screened for the warnings) and under the same profile without its privacy section
#             (no screening); whole-process wall time, best of RUNS.
#   release — the full release of the whole store: cut and rendered with screening (timed once),
#             then the same pending release re-rendered with screening and without it (its policy
#             pointed at the profile without privacy rules: the re-send renders everything, then
#             refuses because the digests differ — exactly the rendering work without screening).
#             The added share is (screened − plain re-render) / (full release − that difference).
# Target: screening adds at most 10 % to each (issue 12).
# Usage: bench/privacy.sh [ROWS]   (files go to bench/out/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
RUNS=${RUNS:-2}
CREDIT=${CREDIT:-$PWD/build/credit}
OUT=$PWD/bench/out
DIR=$OUT/privacy-$ROWS
DEPT=11110000000013127H
BAD_PORTAL=https://127.0.0.1:9/  # refuses at once: the release stays pending
export CREDIT_NOW=2026-01-01T03:00:00+08:00
[[ -x $CREDIT ]] || { echo "build credit first: ./setup.sh build" >&2; exit 2; }
mkdir -p "$DIR"

csv=$OUT/penalty-$ROWS.csv
[[ -s $csv ]] || "$CREDIT" generate sample --kind penalty --rows "$ROWS" --seed 1 --dept $DEPT >"$csv"
python3 - share/policy/national-2026.json >"$DIR/plain.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
del p["privacy"]
p["id"] = "national-2026-plain"
json.dump(p, sys.stdout, ensure_ascii=False)
PY

token() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
seconds() {  # seconds COMMAND… → wall seconds (the command may fail: its status is ignored)
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}
new_store() {  # new_store NAME [PROFILE FILE]
  local d=$DIR/$1 profile=${2:-}
  rm -rf "$d" && mkdir -p "$d"
  export CREDIT_STORE=$d/store.db
  "$CREDIT" init --format json 2>/dev/null | token >"$d/admin.token"
  chmod 600 "$d/admin.token"
  for u in "op operator $DEPT" "rev reviewer $DEPT" "pub publisher"; do
    set -- $u
    "$CREDIT" user add "$1" --role "$2" ${3:+--dept $3} --token-file "$d/admin.token" \
      --format json 2>/dev/null | token >"$d/$1.token"
    chmod 600 "$d/$1.token"
  done
  [[ -z $profile ]] || "$CREDIT" policy set "$profile" --token-file "$d/admin.token" -q
  "$CREDIT" import authorize --kind penalty --until 2026-12-31 --token-file "$d/rev.token" -q
}
best() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
share() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{(a - b) / b * 100:+.1f} %')" "$1" "$2"; }

echo "import of $ROWS rows ($RUNS runs each, best)"
declare -A imp
for mode in screened plain; do
  times=()
  for ((r = 0; r < RUNS; r++)); do
    if [[ $mode == plain ]]; then new_store import-$mode "$DIR/plain.json"; else new_store import-$mode; fi
    sync
    times+=("$(seconds "$CREDIT" import "$csv" --kind penalty --token-file "$DIR/import-$mode/op.token" --quiet)")
  done
  imp[$mode]=$(best "${times[@]}")
  echo "  $mode: ${imp[$mode]} s  (runs: ${times[*]})"
done
echo "  screening adds $(share "${imp[screened]}" "${imp[plain]}")"

echo "full release of the store (screened store of the import above)"
export CREDIT_STORE=$DIR/import-screened/store.db
pub=$DIR/import-screened/pub.token
full=$(seconds "$CREDIT" publish --full --to $BAD_PORTAL --attempts 1 --token-file "$pub")
seq=$(sqlite3 "$CREDIT_STORE" "select max(sequence) from releases where status = 'pending'")
[[ -n $seq ]] || { echo "no pending release" >&2; exit 1; }
screened_ids=$(sqlite3 "$CREDIT_STORE" "select policy_id from releases where sequence = $seq")
"$CREDIT" policy set "$DIR/plain.json" --token-file "$DIR/import-screened/admin.token" -q
plain_id=$(sqlite3 "$CREDIT_STORE" "select max(id) from policy_profiles")
"$CREDIT" policy set national-2026 --token-file "$DIR/import-screened/admin.token" -q
rs=() rp=()
for ((r = 0; r < RUNS; r++)); do
  sqlite3 "$CREDIT_STORE" "update releases set policy_id = $screened_ids where sequence = $seq"
  rs+=("$(seconds "$CREDIT" publish --to $BAD_PORTAL --attempts 1 --token-file "$pub")")
  sqlite3 "$CREDIT_STORE" "update releases set policy_id = $plain_id where sequence = $seq"
  rp+=("$(seconds "$CREDIT" publish --to $BAD_PORTAL --attempts 1 --token-file "$pub")")
done
sqlite3 "$CREDIT_STORE" "update releases set policy_id = $screened_ids where sequence = $seq"
s=$(best "${rs[@]}") p=$(best "${rp[@]}")
echo "  full release (cut and rendered, screened): $full s"
echo "  re-render screened: $s s (runs: ${rs[*]}); without screening: $p s (runs: ${rp[*]})"
plain_full=$(python3 -c "print($full - ($s - $p))")
echo "  screening adds $(share "$full" "$plain_full") to the full release"
