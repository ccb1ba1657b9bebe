#!/usr/bin/env bash
# Many people on one store at once (issue 14, docs/concurrency.md), bounded to about a minute:
# four departments importing (two locally, two through a real `credit serve` on 127.0.0.1),
# viewers querying locally and remotely, publish and purge-expired running, all on one store.
# Afterwards: every accepted row is there exactly once, every command exited 0 (or 8, the
# documented code for giving up waiting), every query answered and was audited, `audit verify`
# and `PRAGMA integrity_check` pass. SOAK_SECONDS sets how long the importers keep starting
# batches (default 25); bench/soak.sh runs a longer one.
source "$(dirname "$0")/lib.sh"
SOAK_SECONDS=${SOAK_SECONDS:-25}
ROWS=${SOAK_ROWS:-3000}
DEPTS=(11110000000013127H 91110000600037341L 111100000000214017 11110000000035502L)

test_certificate server
SERVER_PID=
trap '[[ -n $SERVER_PID ]] && kill -TERM $SERVER_PID 2>/dev/null; wait; rm -rf "$WORK"' EXIT

new_store s.db admin.token
export CREDIT_STORE=s.db
for i in 0 1 2 3; do
  add_user s.db admin.token op$i operator ${DEPTS[$i]}
  add_user s.db admin.token rev$i reviewer ${DEPTS[$i]}
  credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev$i.token -q
done
add_user s.db admin.token pub publisher
add_user s.db admin.token view viewer
add_user s.db admin.token aud auditor
# A subject to look up: one small batch first.
credit generate sample --dept ${DEPTS[0]} --rows 100 --seed 99 >seed.csv
credit import seed.csv --kind penalty --token-file op0.token -q
USCC=$(awk -F, 'NR > 1 && $3 != "" {print $3; exit}' seed.csv)

"$CREDIT_BIN" --store s.db serve --listen 127.0.0.1:0 --cert server.pem --key server.key 2>serve.log &
SERVER_PID=$!
for _ in $(seq 200); do
  PORT=$(grep -o 'listening on https://127\.0\.0\.1:[0-9]*' serve.log | grep -o '[0-9]*$')
  [[ -n $PORT ]] && break
  sleep 0.05
done
[[ -n $PORT ]] || { cat serve.log >&2; fail "credit serve did not start"; finish; }
URL=https://127.0.0.1:$PORT
mkdir rel

# logged NAME COMMAND…: runs a command, appending "NAME RC MS" to rc.log.
logged() {
  local name=$1 start rc tag=$1.$BASHPID  # BASHPID of this shell, not of the command's
  shift
  start=$(date +%s%N)
  "$@" >"out.$tag" 2>"err.$tag" && rc=0 || rc=$?
  echo "$name $rc $((($(date +%s%N) - start) / 1000000))" >>rc.log
  [[ $rc == 0 ]] || cp "err.$tag" "failed.$tag.$start"
  return $rc
}

END=$(($(date +%s) + SOAK_SECONDS))
importer() {  # importer I WHERE: imports batches of department I until the time is up
  local i=$1 n=0 store=s.db
  [[ $2 == remote ]] && store=$URL
  while (($(date +%s) < END)); do
    n=$((n + 1))
    local f=d$i-$n.csv
    credit generate sample --dept ${DEPTS[$i]} --rows $ROWS --seed $((i * 50 + n)) >$f
    if logged import "$CREDIT_BIN" --store "$store" --cacert ca.pem import $f --kind penalty \
      --token-file op$i.token --format json --wait 5m; then
      json_get .inserted <"out.import.$BASHPID" >>inserted.$i
    fi
  done
}
viewer() {  # viewer WHERE: queries until the importers are done
  local store=s.db
  [[ $1 == remote ]] && store=$URL
  while [[ ! -e importers.done ]]; do
    logged query "$CREDIT_BIN" --store "$store" --cacert ca.pem query --uscc "$USCC" --purpose 核查 \
      --count --token-file view.token --wait 0
    sleep 0.1
  done
}
nightly() {  # publish and purge-expired, taking turns with the importers
  local n=0
  while [[ ! -e importers.done ]]; do
    n=$((n + 1))
    logged publish "$CREDIT_BIN" publish --out rel --token-file pub.token --wait 5m
    logged purge "$CREDIT_BIN" purge-expired --token-file pub.token --wait 5m
    sleep 1
  done
}

START=$(date +%s)
viewer local &
VIEWERS=($!)
viewer remote &
VIEWERS+=($!)
nightly &
VIEWERS+=($!)
importer 0 local &
IMPORTERS=($!)
importer 1 local &
IMPORTERS+=($!)
importer 2 remote &
IMPORTERS+=($!)
importer 3 remote &
IMPORTERS+=($!)
wait "${IMPORTERS[@]}"
touch importers.done
wait "${VIEWERS[@]}"
TOOK=$(($(date +%s) - START))
TOTAL=$(cat inserted.* 2>/dev/null | awk '{s += $1} END {print s + 0}')
echo "soak: $TOOK s, $TOTAL rows imported ($((TOTAL / (TOOK > 0 ? TOOK : 1))) rows/s over all departments); commands: $(cut -d' ' -f1 rc.log | sort | uniq -c | tr -s ' \n' ' ')" >&2

# --- every command exited 0, or 8 for a writer that gave up waiting ---
BAD=$(awk '$1 == "query" && $2 != 0 || $1 != "query" && $2 != 0 && $2 != 8' rc.log)
expect_eq "$BAD" "" "every command exited 0 (writers: or 8)"
for f in failed.*; do [[ -e $f ]] && echo "$f: $(head -3 "$f")" >&2; done
QUERIES=$(grep -c '^query 0' rc.log)
((QUERIES >= 10)) && pass || fail "only $QUERIES queries ran"
python3 - rc.log <<'PY' >&2
import statistics, sys
ms = sorted(int(l.split()[2]) for l in open(sys.argv[1]) if l.startswith("query 0"))
print(f"soak: {len(ms)} queries under load: median {statistics.median(ms)} ms, "
      f"p99 {ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]} ms, max {ms[-1]} ms")
PY

# --- every accepted row is there exactly once ---
for i in 0 1 2 3; do
  WANT=$(($(paste -sd+ inserted.$i 2>/dev/null || echo 0) + (i == 0 ? 100 : 0)))
  expect_eq "$(sqlite3 s.db "select count(*) from records where source_dept_uscc = '${DEPTS[$i]}'")" \
    "$WANT" "department $i: every inserted row, once"
  (($(wc -l <inserted.$i) >= 1)) && pass || fail "department $i imported nothing"
done
expect_eq "$(sqlite3 s.db "select count(*) from import_batches where status not in ('committed')")" \
  "0" "every batch committed"

# --- every query was audited (main log, folded, or still in the side log) ---
run credit whoami --token-file aud.token  # a read on the idle store folds the side log
AUDITED=$(sqlite3 s.db "select count(*) from audit_log where actor = 'view' and (action = 'query.run' or (action = 'audit.read_entry' and json_extract(params, '\$.entry.action') = 'query.run'))")
expect_eq "$AUDITED" "$QUERIES" "every answered query has its audit entry"
run credit audit verify --token-file aud.token
expect_rc 0 "audit verify after the soak"
expect_eq "$(sqlite3 s.db "pragma integrity_check")" "ok" "integrity_check"
kill -TERM $SERVER_PID
wait $SERVER_PID && pass || fail "the server did not stop cleanly: $(tail -3 serve.log)"
SERVER_PID=
finish
