#!/usr/bin/env bash
# Report benchmark (issue 7): every `credit report` on a store of N penalty records, whole-process
# wall time (hyperfine when installed, else the best of 3 with /usr/bin/time). Target: < 2 s each.
# The store is built once under bench/out/report-N/ (import ~30 s for a million rows) and reused;
# delete that directory to rebuild it. The CSV is taken from $BENCH_CSV, or
# /work/bench-data/penalty-N.csv when it exists, or generated under bench/out/.
# Usage: bench/report.sh [ROWS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
CREDIT=${CREDIT:-$PWD/build/credit}
OUT=$PWD/bench/out
DIR=$OUT/report-$ROWS
DEPT=11110000000013127H
[[ -x $CREDIT ]] || { echo "build credit first: ./setup.sh build" >&2; exit 2; }
mkdir -p "$OUT"

csv=${BENCH_CSV:-/work/bench-data/penalty-$ROWS.csv}
if [[ ! -s $csv ]]; then
  csv=$OUT/penalty-$ROWS.csv
  [[ -s $csv ]] || "$CREDIT" generate sample --kind penalty --rows "$ROWS" --seed 1 --dept $DEPT \
    --decided-from 2024-01-01 --decided-to 2025-12-31 >"$csv"
fi

token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

export CREDIT_STORE=$DIR/store.db
if [[ ! -s $DIR/auditor.token ]]; then
  echo "building the $ROWS-record store under $DIR (once) …" >&2
  rm -rf "$DIR" && mkdir -p "$DIR"
  "$CREDIT" init --format json 2>/dev/null | token_of >"$DIR/admin.token"
  chmod 600 "$DIR/admin.token"
  dept=$(python3 -c 'import csv,sys; r=csv.reader(open(sys.argv[1], encoding="utf-8-sig")); h=next(r); print(next(r)[h.index("数据来源单位统一社会信用代码")])' "$csv")
  for u in "op operator $dept" "rev reviewer $dept" "auditor auditor *"; do
    set -f; set -- $u; set +f
    "$CREDIT" user add "$1" --role "$2" --dept "$3" --token-file "$DIR/admin.token" --format json \
      2>/dev/null | token_of >"$DIR/$1.token"
    chmod 600 "$DIR/$1.token"
  done
  "$CREDIT" import authorize --kind penalty --until "$(date -d "+365 days" +%F)" --token-file "$DIR/rev.token" -q
  "$CREDIT" import "$csv" --kind penalty --token-file "$DIR/op.token" --quiet
  echo "$dept" >"$DIR/dept"
fi
"$CREDIT" migrate --token-file "$DIR/admin.token" -q >/dev/null 2>&1 || true
# As many audit entries as records, for the activity report (bench helper audit_fill, once).
if [[ ! -e $DIR/audit-filled ]]; then
  FILL=${AUDIT_FILL:-$(dirname "$CREDIT")/audit_fill}
  [[ -x $FILL ]] || ninja -C "$(dirname "$CREDIT")" audit_fill >/dev/null
  "$FILL" "$CREDIT_STORE" "$ROWS" >/dev/null && touch "$DIR/audit-filled"
fi
n=$(sqlite3 "$CREDIT_STORE" "select count(*) from records")
dept=$(cat "$DIR/dept")
first=$(sqlite3 "$CREDIT_STORE" "select min(decided_on) from records")
last=$(sqlite3 "$CREDIT_STORE" "select max(decided_on) from records")
entries=$(sqlite3 "$CREDIT_STORE" "select count(*) from audit_log")
echo "store: $n records decided $first … $last; department $dept; $entries audit entries" >&2

A="--token-file $DIR/auditor.token"
R="--from $first --to $last"  # the whole store: the largest period a report can cover
cases=(
  "summary|report summary $R $A --format json"
  "summary-html|report summary $R $A --format html"
  "summary-dept|report summary $R --dept $dept --token-file $DIR/op.token --format json"
  "compliance|report compliance $R $A --format json"
  "compliance-dept|report compliance $R --dept $dept --token-file $DIR/op.token --format json"
  "compliance-html|report compliance $R $A --format html"
  "expiring|report expiring --days 3660 $A --format json"
  "expiring-dept|report expiring --days 365 --token-file $DIR/op.token --format json"
  "expiring-range|report expiring --from $first --to 2099-12-31 $A --format json"
  "activity|report activity --from 2024-01-01 --to 2099-12-31 $A --format json"
  "activity-month|report activity --month 2024-03 $A --format json"
  "activity-html|report activity --from 2024-01-01 --to 2099-12-31 $A --format html"
)
printf '\n%-18s %9s %9s   (target < 2 s wall, whole process; cpu = user + sys)\n' report wall cpu
status=0
for c in "${cases[@]}"; do
  label=${c%%|*}
  cmd="$CREDIT ${c#*|}"
  $cmd >"$OUT/report-$label.out" || { echo "$label failed: $cmd" >&2; exit 1; }
  if command -v hyperfine >/dev/null; then
    hyperfine -N -w 1 -r 5 --export-json "$OUT/report-$label.json" "$cmd" >/dev/null 2>&1
    read -r s cpu < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f" % (r["mean"], r["user"] + r["system"]))' \
      "$OUT/report-$label.json")
  else
    s=9e9 cpu=-
    for _ in 1 2 3; do
      /usr/bin/time -f %e -o "$OUT/report-$label.time" $cmd >/dev/null
      s=$(python3 -c 'import sys; print(min(float(sys.argv[1]), float(sys.argv[2])))' "$s" \
        "$(cat "$OUT/report-$label.time")")
    done
  fi
  ok=$(python3 -c 'import sys; print("ok" if float(sys.argv[1]) < 2 else "SLOW")' "$s")
  [[ $ok == ok ]] || status=1
  printf '%-18s %9s %9s   %s\n' "$label" "$s" "$cpu" "$ok"
done
exit $status
