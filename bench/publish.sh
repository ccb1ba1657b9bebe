#!/usr/bin/env bash
# Publication benchmark (issue 5, DESIGN §6 "cost follows the work"), whole-process wall time with
# hyperfine on a store of ROWS penalty records (default one million):
#   purge-expired, nothing due        — target < 50 ms
#   purge-expired, exactly 10,000 due — target < 1 s
#   publish, nothing due               — in proportion: as cheap as the empty purge
#   publish, 10,000 withdrawals (after that purge) and 10,000 new records
# and, once, the first release of the whole store (every record: the work is the store).
# The store is built once into bench/out/publish-ROWS/ (import of bench-data or a generated file,
# first release, first purge at $NOW0) and copied before every run that changes it.
# Usage: bench/publish.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
CREDIT=${CREDIT:-$PWD/build/credit}
OUT=$PWD/bench/out
DIR=$OUT/publish-$ROWS
DEPT=11110000000013127H
NOW0=2026-01-01T03:00:00+08:00  # the sample decisions are in 2025
RUNS=${RUNS:-5}
[[ -x $CREDIT ]] || { echo "build credit first: ./setup.sh build" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 2; }
mkdir -p "$OUT"

csv() {
  local f=/work/bench-data/penalty-$ROWS.csv
  [[ -s $f ]] && { echo "$f"; return; }
  f=$OUT/penalty-$ROWS.csv
  [[ -s $f ]] || "$CREDIT" generate sample --kind penalty --rows "$ROWS" --seed 1 --dept $DEPT >"$f"
  echo "$f"
}

token() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

# credit keeps the WAL between commands: checkpoint before copying, and never leave a WAL of
# another copy beside a store.
checkpoint() { sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; }
# The copy is synced before the timed run: its writeback would otherwise compete with the run's
# own writes (a copy of the store is not what a nightly purge finds).
copy_cmd() { echo "rm -f $2-wal $2-shm && cp $1 $2 && sync"; }
copy_db() { checkpoint "$1" && eval "$(copy_cmd "$1" "$2")"; }

build_base() {
  rm -rf "$DIR" && mkdir -p "$DIR/rel"
  export CREDIT_STORE=$DIR/base.db CREDIT_NOW=$NOW0
  "$CREDIT" init --format json | token >"$DIR/admin.token"
  chmod 600 "$DIR/admin.token"
  for u in "op operator $DEPT" "rev reviewer $DEPT" "pub publisher"; do
    set -- $u
    "$CREDIT" user add "$1" --role "$2" ${3:+--dept $3} --token-file "$DIR/admin.token" \
      --format json | token >"$DIR/$1.token"
    chmod 600 "$DIR/$1.token"
  done
  "$CREDIT" import authorize --kind penalty --until 2026-12-31 --token-file "$DIR/rev.token" -q
  echo "importing $ROWS rows (once)…" >&2
  "$CREDIT" import "$(csv)" --kind penalty --token-file "$DIR/op.token" --quiet
  echo "the first release of the whole store (once)…" >&2
  /usr/bin/time -f "%e s %M KiB" -o "$DIR/first-release.time" \
    "$CREDIT" publish --out "$DIR/rel" --token-file "$DIR/pub.token" --quiet
  "$CREDIT" purge-expired --token-file "$DIR/pub.token" --quiet
  "$CREDIT" publish --out "$DIR/rel" --token-file "$DIR/pub.token" --quiet
  rm -rf "$DIR/rel"/release-*
  checkpoint "$DIR/base.db"
  unset CREDIT_STORE CREDIT_NOW
}
[[ -s $DIR/base.db && -s $DIR/first-release.time ]] || build_base

# The China date D for which exactly 10,000 records are due (publicity_until < D): the day the
# 10,000th ends, with the few records beyond 10,000 that end the day before moved to D in the copy.
due_date=$(sqlite3 "$DIR/base.db" "SELECT date(publicity_until, '+1 day') FROM records
  WHERE status IN ('active', 'published') ORDER BY publicity_until LIMIT 1 OFFSET 9999")
make_10k_due() {  # make_10k_due STORE
  sqlite3 "$1" "UPDATE records SET publicity_until = '$due_date' WHERE id IN (
    SELECT id FROM records WHERE status IN ('active', 'published')
      AND publicity_until = date('$due_date', '-1 day') ORDER BY id DESC
      LIMIT (SELECT count(*) - 10000 FROM records WHERE status IN ('active', 'published')
             AND publicity_until < '$due_date'))"
  local n
  n=$(sqlite3 "$1" "SELECT count(*) FROM records WHERE status IN ('active', 'published')
    AND publicity_until < '$due_date'")
  [[ $n == 10000 ]] || { echo "$n records due on $due_date, not 10000" >&2; exit 1; }
}
fresh_copy() {  # the base store, with exactly 10,000 due on $due_date
  rm -rf "$DIR/run" && mkdir -p "$DIR/run/rel"
  copy_db "$DIR/base.db" "$DIR/run/store.db"
  make_10k_due "$DIR/run/store.db"
}
NOW_DUE="${due_date}T03:00:00+08:00"
CR="$CREDIT --token-file $DIR/pub.token"

results=()
bench() {  # bench LABEL TARGET_MS [hyperfine options] COMMAND
  local label=$1 target=$2
  shift 2
  hyperfine --style none --runs "$RUNS" --export-json "$DIR/$label.json" "$@" >/dev/null 2>&1 ||
    { echo "$label failed" >&2; hyperfine --runs 1 "$@"; exit 1; }
  local ms
  ms=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f ± %.1f" % (r["mean"] * 1000, r["stddev"] * 1000))' "$DIR/$label.json")
  results+=("$(printf '%-44s %14s ms   target %s' "$label" "$ms" "$target")")
}

fresh_copy
export CREDIT_STORE=$DIR/run/store.db
CREDIT_NOW=$NOW0 bench "purge-expired, nothing due" "< 50" --warmup 2 "$CR purge-expired --quiet"
CREDIT_NOW=$NOW0 bench "publish, nothing due" "< 50" --warmup 2 \
  "$CR publish --out $DIR/run/rel --quiet"
unset CREDIT_STORE
copy_db "$DIR/run/store.db" "$DIR/due.db"
bench "purge-expired, 10,000 due" "< 1000" --prepare "$(copy_cmd $DIR/due.db $DIR/run/store.db)" \
  "CREDIT_STORE=$DIR/run/store.db CREDIT_NOW=$NOW_DUE $CR purge-expired --quiet"
PURGED=$(sqlite3 "$DIR/run/store.db" "SELECT count(*) FROM records WHERE status = 'expired'
  AND withdrawn_on = '$due_date'")
[[ $PURGED == 10000 ]] || { echo "the purge expired $PURGED records, not 10000" >&2; exit 1; }
WITHDRAW=$(sqlite3 "$DIR/run/store.db" "SELECT count(*) FROM records WHERE status = 'expired'
  AND portal_version IS NOT NULL")
copy_db "$DIR/run/store.db" "$DIR/purged.db"
bench "publish, $WITHDRAW withdrawals" "in proportion" \
  --prepare "rm -rf $DIR/run/rel/* && $(copy_cmd $DIR/purged.db $DIR/run/store.db)" \
  "CREDIT_STORE=$DIR/run/store.db CREDIT_NOW=$NOW_DUE $CR publish --out $DIR/run/rel --quiet"
"$CREDIT" generate sample --kind penalty --rows 10000 --seed 99 --dept $DEPT \
  --decided-from "$(date -d "$due_date -20 days" +%F)" --decided-to "$(date -d "$due_date -1 day" +%F)" \
  >"$DIR/new10k.csv"
CREDIT_STORE=$DIR/purged.db CREDIT_NOW=$NOW_DUE "$CREDIT" publish --out "$DIR/run/rel" \
  --token-file "$DIR/pub.token" --quiet
CREDIT_STORE=$DIR/purged.db CREDIT_NOW=$NOW_DUE "$CREDIT" import "$DIR/new10k.csv" --kind penalty \
  --token-file "$DIR/op.token" --quiet
checkpoint "$DIR/purged.db"
NEW=$(CREDIT_STORE=$DIR/purged.db CREDIT_NOW=$NOW_DUE $CR publish --dry-run --format json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["published"])')
bench "publish, $NEW new records" "in proportion" \
  --prepare "rm -rf $DIR/run/rel/* && $(copy_cmd $DIR/purged.db $DIR/run/store.db)" \
  "CREDIT_STORE=$DIR/run/store.db CREDIT_NOW=$NOW_DUE $CR publish --out $DIR/run/rel --quiet"

RECORDS=$(sqlite3 "$DIR/base.db" "SELECT count(*) FROM records")
echo "store: $RECORDS records ($(du -h "$DIR/base.db" | cut -f1)); 10,000 due on $due_date"
echo "first release of the whole store (once): $(cat "$DIR/first-release.time")"
printf '%s\n' "${results[@]}"
