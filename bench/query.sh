#!/usr/bin/env bash
# Query benchmark (DESIGN §6, issue 4): on a store of N penalty records (default 1,000,000),
# whole-process times side by side in one hyperfine run:
#   sqlite3 point    — the sqlite3 shell's `select * from records where uscc='X'` on the store;
#   credit --uscc    — `credit query --uscc X` (authentication, masking, the audit entry);
#   credit --name    — name substring queries of 2 and 4+ characters (target: under 100 ms);
# and, with --import, what the name index costs an import of the same N rows: a fresh store
# with the index (an import batch indexes its names in one statement at its end, docs/query.md)
# against one without the index's triggers, plus the time to index N records in one statement.
# The store is built once under bench/out/query-N/ and reused; the CSV is the shared one at
# /work/bench-data/penalty-N.csv when present, else generated under bench/out/.
# Usage: bench/query.sh [--import] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
IMPORT=0
if [[ ${1:-} == --import ]]; then IMPORT=1; shift; fi
ROWS=${1:-1000000}
CREDIT=${CREDIT:-$PWD/build/credit}
SQLITE3=${SQLITE3:-sqlite3}
OUT=$PWD/bench/out
DEPT=11110000000013127H
mkdir -p "$OUT"
[[ -x $CREDIT ]] || { echo "build credit first: ./setup.sh build" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

csv_for() {  # csv_for ROWS → path of a CSV of ROWS penalty rows (generated once)
  local shared=/work/bench-data/penalty-$1.csv f=$OUT/penalty-$1.csv
  if [[ -s $shared ]]; then echo "$shared"; return; fi
  [[ -s $f ]] || "$CREDIT" generate sample --kind penalty --rows "$1" --seed 1 --dept $DEPT >"$f"
  echo "$f"
}

token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

# new_store DIR: a store with an operator and reviewer of DEPT, a viewer, a standing authorisation.
new_store() {
  local dir=$1
  rm -rf "$dir" && mkdir -p "$dir"
  local store=$dir/store.db
  "$CREDIT" --store "$store" init --format json 2>/dev/null | token_of >"$dir/admin.token"
  chmod 600 "$dir/admin.token"
  for u in "op operator $DEPT" "rev reviewer $DEPT" "viewer viewer"; do
    set -- $u
    "$CREDIT" --store "$store" user add "$1" --role "$2" ${3:+--dept $3} \
      --token-file "$dir/admin.token" --format json 2>/dev/null | token_of >"$dir/$1.token"
    chmod 600 "$dir/$1.token"
  done
  "$CREDIT" --store "$store" import authorize --kind penalty --until "$(date -d "+365 days" +%F)" \
    --token-file "$dir/rev.token" -q
}

seconds() {  # seconds COMMAND… → wall seconds of the command (its output discarded)
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}

import_into() {  # import_into DIR → seconds
  seconds "$CREDIT" --store "$1/store.db" import "$(csv_for "$ROWS")" --kind penalty \
    --token-file "$1/op.token" --quiet
}

csv=$(csv_for "$ROWS")
dir=$OUT/query-$ROWS
store=$dir/store.db
if [[ ! -s $store ]] || [[ $("$SQLITE3" "$store" "select count(*) from records") != "$ROWS" ]]; then
  echo "building a store of $ROWS records under $dir (once) …" >&2
  new_store "$dir"
  import_into "$dir" >/dev/null
fi

# A subject's code from the middle of the store, a 4-character part of an individual business's name and a
# frequent 2-character surname+name.
X=$("$SQLITE3" "$store" "select uscc from records where uscc is not null limit 1 offset $((ROWS / 2))")
LONG=$("$SQLITE3" "$store" "select substr(subject_name, 7, 4) from records where subject_type = 'individual_business' limit 1 offset 4321")
SHORT=$("$SQLITE3" "$store" "select subject_name from records where subject_type = 'natural_person' and length(subject_name) = 2 limit 1 offset 77")
q=("$CREDIT" --store "$store" --token-file "$dir/viewer.token" query --purpose bench --format ndjson)
echo "point query: uscc $X ($("${q[@]}" --uscc "$X" | wc -l) records); names '$LONG' ($("${q[@]}" --name "$LONG" --count)), '$SHORT' ($("${q[@]}" --name "$SHORT" --count))" >&2

hyperfine -N --warmup 5 --min-runs 40 --export-json "$OUT/query.json" \
  -n "sqlite3 point" "$SQLITE3 $store \"select * from records where uscc='$X'\"" \
  -n "credit --uscc" "${q[*]} --uscc $X" \
  -n "credit --name (4+)" "${q[*]} --name $LONG" \
  -n "credit --name (2)" "${q[*]} --name $SHORT" \
  -n "credit --name --count" "${q[*]} --name $SHORT --count"

python3 - "$OUT/query.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ms = lambda n: r[n]["mean"] * 1000
print(f"\n{'':24} {'mean ms':>8} {'± ms':>6}")
for n, x in r.items():
    print(f"{n:24} {x['mean'] * 1000:8.2f} {x['stddev'] * 1000:6.2f}")
print(f"\ncredit --uscc / sqlite3 point: {ms('credit --uscc') / ms('sqlite3 point'):.2f} (target: at most 2)")
print(f"name queries: {ms('credit --name (4+)'):.1f} and {ms('credit --name (2)'):.1f} ms (target: under 100 ms)")
PY

if ((IMPORT)); then
  echo "import cost of the name index: two fresh stores, $ROWS rows each …" >&2
  with=$OUT/query-import-with
  without=$OUT/query-import-without
  new_store "$with"
  new_store "$without"
  # Without: a plain table takes the batch's names (one cheap INSERT … SELECT), no FTS5.
  "$SQLITE3" "$without/store.db" "drop trigger records_name_update; drop trigger records_name_delete; drop table record_name_terms; drop table record_names; create table record_names (name)"
  t_without=$(import_into "$without")
  t_with=$(import_into "$with")
  t_index=$(seconds "$SQLITE3" "$with/store.db" "insert into record_names (record_names) values ('delete-all'); insert into record_names (rowid, name) select id, subject_name || char(31, 31) from records")
  python3 - "$t_with" "$t_without" "$t_index" "$ROWS" <<'PY'
import sys
w, wo, idx = map(float, sys.argv[1:4])
print(f"\nimport of {sys.argv[4]} rows: {w:.1f} s with the name index, {wo:.1f} s without "
      f"(+{100 * (w - wo) / wo:.0f} %); indexing them afterwards in one statement: {idx:.1f} s")
PY
  rm -rf "$with" "$without"
fi
