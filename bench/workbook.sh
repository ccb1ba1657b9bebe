#!/usr/bin/env bash
# Workbook import benchmark (issue 17): the same N realistic penalty rows (eight authorities
# interleaved, subjects at random) as CSV and as an .xlsx written the way Excel writes one (every
# text a shared string, dates as date-formatted numbers; bench/csv_to_xlsx.py), each imported by
# `credit import` under a standing authorisation into a fresh store. Wall time and peak RSS side
# by side; the target is flat memory under 200 MB for a million rows.
# Usage: bench/workbook.sh [ROWS]   (default 1000000; files go to bench/out/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
CREDIT=${CREDIT:-$PWD/build/credit}
OUT=$PWD/bench/out
DEPT=11110000000013127H
mkdir -p "$OUT"
[[ -x $CREDIT ]] || { echo "build credit first: ./setup.sh build" >&2; exit 2; }
csv=$OUT/workbook-$ROWS.csv book=$OUT/workbook-$ROWS.xlsx
[[ -s $csv ]] || "$CREDIT" generate sample --kind penalty --rows "$ROWS" --seed 3 --dept $DEPT --authorities 8 --shuffle >"$csv"
[[ -s $book ]] || /usr/bin/python3 bench/csv_to_xlsx.py "$csv" "$book"

token() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
one_run() {  # one_run LABEL FILE → "seconds peak_kib"
  local dir=$OUT/workbook-store-$1
  rm -rf "$dir" && mkdir -p "$dir" && export CREDIT_STORE=$dir/store.db
  (umask 077
    "$CREDIT" init --format json 2>/dev/null | token >"$dir/admin"
    "$CREDIT" user add op --role operator --dept $DEPT --token-file "$dir/admin" --format json 2>/dev/null | token >"$dir/op"
    "$CREDIT" user add rev --role reviewer --dept $DEPT --token-file "$dir/admin" --format json 2>/dev/null | token >"$dir/rev")
  "$CREDIT" import authorize --kind penalty --until "$(date -d '+365 days' +%F)" --token-file "$dir/rev" -q
  /usr/bin/time -f "%e %M" -o "$dir/time" "$CREDIT" import "$2" --kind penalty --token-file "$dir/op" --quiet
  local n
  n=$(sqlite3 "$CREDIT_STORE" "select count(*) from records")
  [[ $n == "$ROWS" ]] || { echo "$1 imported $n rows, expected $ROWS" >&2; exit 1; }
  cat "$dir/time"
}
read -r csv_s csv_kib < <(one_run csv "$csv")
read -r xlsx_s xlsx_kib < <(one_run xlsx "$book")
printf '\n%s rows (load %s)\n%-8s %10s %10s %14s\n' "$ROWS" "$(cut -d' ' -f1-3 /proc/loadavg)" "" "MB" "seconds" "peak RSS MiB"
printf '%-8s %10d %10.1f %14d\n' CSV $(($(stat -c %s "$csv") / 1000000)) "$csv_s" $((csv_kib / 1024)) \
  .xlsx $(($(stat -c %s "$book") / 1000000)) "$xlsx_s" $((xlsx_kib / 1024))
