#!/usr/bin/env bash
# Import benchmark (DESIGN §6): N realistic penalty rows (about 570 bytes a row, 12 % natural
# persons) in two key orders — "sorted" (codes and document numbers rise with the row, the easiest
# case for every index) and "realistic" (eight authorities interleaved, each numbering its own
# documents, subjects at random: `generate sample --authorities 8 --shuffle`) — timed side by side
# in one run:
#   credit  — `credit import`, committed under a standing authorisation: every row validated,
#             severity and dates derived, records with their indexes and the batch's audit entry;
#   sqlite3 — the sqlite3 shell's `.import` of the same CSV into a plain table with three indexes
#             (USCC; authority USCC + document number, unique; 公示截止期).
# Whole-process wall time and peak RSS (/usr/bin/time -v); a second, ten times smaller run shows
# whether memory grows with the file.
# Usage: bench/import.sh [ROWS] [ORDERS]   (default 1000000 "sorted realistic"; files go to
# bench/out/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
ORDERS=${2:-sorted realistic}
SMALL=$((ROWS / 10))
CREDIT=${CREDIT:-$PWD/build/credit}
SQLITE3=${SQLITE3:-sqlite3}
OUT=$PWD/bench/out
DEPT=11110000000013127H
mkdir -p "$OUT"
[[ -x $CREDIT ]] || { echo "build credit first: ./setup.sh build" >&2; exit 2; }

csv_for() {  # csv_for ROWS → path (generated once per size and $ORDER)
  local f=$OUT/penalty-$ORDER-$1.csv order=()
  [[ $ORDER == realistic ]] && order=(--authorities 8 --shuffle)
  [[ -s $f ]] || "$CREDIT" generate sample --kind penalty --rows "$1" --seed 1 --dept $DEPT "${order[@]}" >"$f"
  echo "$f"
}

# measure LABEL COMMAND… → "seconds peak_kib" on stdout; the command's output to $OUT/LABEL.log
measure() {
  local label=$1
  shift
  /usr/bin/time -v -o "$OUT/$label.time" "$@" >"$OUT/$label.log" 2>&1 || {
    echo "$label failed; see $OUT/$label.log" >&2
    exit 1
  }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$label.time")
  python3 -c 'import sys; p=[float(x) for x in sys.argv[1].split(":")]; s=p[-1]+60*p[-2]+(3600*p[-3] if len(p)>2 else 0); print(f"{s:.2f} {sys.argv[2]}")' "$wall" "$rss"
}

credit_store() {  # a fresh store with an operator under a standing authorisation
  local dir=$OUT/store-$ORDER-$1
  rm -rf "$dir" && mkdir -p "$dir"
  export CREDIT_STORE=$dir/store.db
  "$CREDIT" init --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >"$dir/admin.token"
  chmod 600 "$dir/admin.token"
  for u in "op operator" "rev reviewer"; do
    set -- $u
    "$CREDIT" user add "$1" --role "$2" --dept $DEPT --token-file "$dir/admin.token" --format json 2>/dev/null |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >"$dir/$1.token"
    chmod 600 "$dir/$1.token"
  done
  "$CREDIT" import authorize --kind penalty --until "$(date -d "+365 days" +%F)" --token-file "$dir/rev.token" -q
  echo "$dir"
}

# wal_sampler STORE TMPDIR OUTFILE: the largest size of STORE's WAL plus SQLite's temporary files
# in TMPDIR (the index sorts) seen every 0.2 s, written to OUTFILE when killed.
wal_sampler() {
  local peak=0 size
  trap 'echo "$peak" >"$3"; exit 0' TERM
  while :; do
    size=$(($(stat -c %s "$1-wal" 2>/dev/null || echo 0) + $(du -sb "$2" 2>/dev/null | cut -f1)))
    ((size > peak)) && peak=$size
    sleep 0.2
  done
}

credit_run() {  # credit_run ROWS → "seconds peak_kib"; peak WAL bytes in $OUT/credit-ORDER-ROWS.wal
  local csv dir sampler
  csv=$(csv_for "$1")
  dir=$(credit_store "$1")
  mkdir -p "$dir/tmp"
  wal_sampler "$dir/store.db" "$dir/tmp" "$OUT/credit-$ORDER-$1.wal" &
  sampler=$!
  TMPDIR=$dir/tmp CREDIT_STORE=$dir/store.db measure "credit-$ORDER-$1" "$CREDIT" import "$csv" \
    --kind penalty --token-file "$dir/op.token" --quiet
  kill -TERM $sampler
  wait $sampler 2>/dev/null || true
}

sqlite_run() {  # sqlite_run ROWS → "seconds peak_kib"
  local csv db=$OUT/plain-$ORDER-$1.db cols
  csv=$(csv_for "$1")
  rm -f "$db" "$db"-journal
  cols=$(head -1 "$csv" | python3 -c 'import sys; h = sys.stdin.read().lstrip("\ufeff").strip(); print(", ".join(f"\"{c}\" TEXT" for c in h.split(",")))')
  "$SQLITE3" "$db" "CREATE TABLE penalty ($cols);
    CREATE INDEX penalty_uscc ON penalty (\"统一社会信用代码\");
    CREATE UNIQUE INDEX penalty_key ON penalty (\"处罚机关统一社会信用代码\", \"行政处罚决定书文号\");
    CREATE INDEX penalty_end ON penalty (\"公示截止期\");"
  measure "sqlite3-$ORDER-$1" "$SQLITE3" "$db" ".mode csv" ".import --skip 1 $csv penalty"
  local n
  n=$("$SQLITE3" "$db" "select count(*) from penalty")
  [[ $n == "$1" ]] || { echo "sqlite3 imported $n rows, expected $1" >&2; exit 1; }
}

report() {  # report ORDER ROWS SMALL MB credit_s credit_kib sqlite_s sqlite_kib small_s small_kib
  python3 - "$@" <<'PY'
import sys
order, rows, small, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
c_s, c_kib, q_s, q_kib, cs_s, cs_kib = map(float, sys.argv[5:])
print(f"\n{order} key order: {rows} rows, {mb} MB CSV (UTF-8)\n")
print(f"{'':30} {'seconds':>9} {'rows/s':>10} {'peak RSS MiB':>13}")
for label, n, s, kib in [("credit import", rows, c_s, c_kib), ("sqlite3 .import", rows, q_s, q_kib),
                         (f"credit import, {small} rows", small, cs_s, cs_kib)]:
    print(f"{label:30} {s:9.2f} {n / s:10.0f} {kib / 1024:13.0f}")
print(f"\ncredit / sqlite3 time: {c_s / q_s:.2f} (target on realistic order: at most 1.0, on the way to 0.5)")
print(f"credit peak RSS: {c_kib / 1024:.0f} MiB at {rows} rows, {cs_kib / 1024:.0f} MiB at {small} "
      "(target: under 200 MiB, not growing with the file)")
PY
}

for ORDER in $ORDERS; do
  echo "generating $ROWS and $SMALL penalty rows in $ORDER order under bench/out/ (once) …" >&2
  csv_for "$ROWS" >/dev/null
  csv_for "$SMALL" >/dev/null
  read -r c_s c_kib < <(credit_run "$ROWS")
  read -r q_s q_kib < <(sqlite_run "$ROWS")
  read -r cs_s cs_kib < <(credit_run "$SMALL")
  n=$("$SQLITE3" "$OUT/store-$ORDER-$ROWS/store.db" "select count(*) from records")
  [[ $n == "$ROWS" ]] || { echo "credit imported $n rows, expected $ROWS" >&2; exit 1; }
  mb=$(($(stat -L -c %s "$(csv_for "$ROWS")") / 1000000))
  report "$ORDER" "$ROWS" "$SMALL" "$mb" "$c_s" "$c_kib" "$q_s" "$q_kib" "$cs_s" "$cs_kib"
  store_bytes=$(stat -c %s "$OUT/store-$ORDER-$ROWS/store.db")
  wal_bytes=$(cat "$OUT/credit-$ORDER-$ROWS.wal")
  echo "extra disk during the import (WAL + index sorts): $((wal_bytes / 1048576)) MiB at peak," \
    "$((100 * wal_bytes / store_bytes)) % of the store ($((store_bytes / 1048576)) MiB; target: at most 25 %)"
done
