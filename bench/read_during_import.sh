#!/usr/bin/env bash
# Readers during a large import (issue 14 item 2, docs/concurrency.md): 50 `credit query --uscc X
# --purpose P` from another process while a ROWS-row import (default 1,000,000) holds the store's
# write lock, beside the same 50 queries on the idle store. Whole-process times, median and p99,
# and how many of the busy queries' entries went to the side log of reads.
# Usage: bench/read_during_import.sh [ROWS] [QUERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
N=${2:-50}
CREDIT=${CREDIT:-$PWD/build/credit}
OUT=$PWD/bench/out
DEPT=11110000000013127H
mkdir -p "$OUT"
[[ -x $CREDIT ]] || { echo "build credit first: ./setup.sh build" >&2; exit 2; }

csv_for() {  # csv_for ROWS SEED → a CSV of ROWS penalty rows (generated once)
  local shared=/work/bench-data/penalty-$1.csv f=$OUT/penalty-$1-seed$2.csv
  if [[ $2 == 1 && -s $shared ]]; then echo "$shared"; return; fi
  [[ -s $f ]] || "$CREDIT" generate sample --kind penalty --rows "$1" --seed "$2" --dept $DEPT >"$f"
  echo "$f"
}
token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

dir=$OUT/read-during-import
rm -rf "$dir" && mkdir -p "$dir"
store=$dir/store.db
"$CREDIT" --store "$store" init --format json 2>/dev/null | token_of >"$dir/admin.token"
chmod 600 "$dir/admin.token"
for u in "op operator $DEPT" "rev reviewer $DEPT" "viewer viewer"; do
  set -- $u
  "$CREDIT" --store "$store" user add "$1" --role "$2" ${3:+--dept $3} \
    --token-file "$dir/admin.token" --format json 2>/dev/null | token_of >"$dir/$1.token"
  chmod 600 "$dir/$1.token"
done
"$CREDIT" --store "$store" import authorize --kind penalty --until "$(date -d '+365 days' +%F)" \
  --token-file "$dir/rev.token" -q
"$CREDIT" --store "$store" import "$(csv_for 20000 7)" --kind penalty --token-file "$dir/op.token" -q
X=$(sqlite3 "$store" "select uscc from records where uscc is not null limit 1 offset 5000")
big=$(csv_for "$ROWS" 1)

# times N queries one after another; prints one millisecond figure per line; stops early when
# the file named by $2 disappears (the import ended)
cat >"$dir/time_queries.py" <<'PY'
import os, subprocess, sys, time
n, alive, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
for _ in range(n):
    if alive != "-" and not os.path.exists(alive):
        break
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    print(f"{(time.perf_counter() - t) * 1000:.1f}", flush=True)
    time.sleep(0.1)
PY
q=("$CREDIT" --store "$store" --token-file "$dir/viewer.token" query --uscc "$X" --purpose bench --count)
echo "load before: $(uptime)"
python3 "$dir/time_queries.py" "$N" - "${q[@]}" >"$dir/idle.ms"

start=$(date +%s.%N)
("$CREDIT" --store "$store" import "$big" --kind penalty --token-file "$dir/op.token" -q; touch "$dir/import.done") &
IMPORT=$!
while ! grep -q '"import batch' "$store-holder" 2>/dev/null; do sleep 0.05; done
echo "import of $ROWS rows holds the store; querying"
# "alive" marker: the holder file exists while the import holds the lock
python3 "$dir/time_queries.py" "$N" "$store-holder" "${q[@]}" >"$dir/busy.ms"
busy_load=$(uptime)
wait $IMPORT
end=$(date +%s.%N)
"$CREDIT" --store "$store" --token-file "$dir/viewer.token" whoami -q >/dev/null  # folds
side=$(sqlite3 "$store" "select count(*) from audit_log where action = 'audit.read_entry'")

python3 - "$dir/idle.ms" "$dir/busy.ms" <<PY
import statistics, sys
def stats(path):
    v = sorted(float(x) for x in open(path))
    p99 = v[min(len(v) - 1, int(round(0.99 * (len(v) - 1))))]
    return len(v), statistics.median(v), p99, v[-1]
for name, path in (("idle store", sys.argv[1]), ("during import", sys.argv[2])):
    n, med, p99, mx = stats(path)
    print(f"{name:14} {n:3} queries  median {med:7.1f} ms  p99 {p99:7.1f} ms  max {mx:7.1f} ms")
PY
python3 -c "print(f'import of $ROWS rows: {$end - $start:.1f} s')"
echo "query entries recorded in the side log and folded: $side"
echo "load during the import: $busy_load"
