#!/usr/bin/env bash
# Writers queue and say for what: a writer that finds the store busy waits up to --wait, telling a
# terminal who holds the store (the STORE-holder file), then fails with exit 8 naming the holder.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token aud auditor
credit generate sample --dept $DEPT --rows 60000 --seed 3 >big.csv

# hold_import: stages big.csv in the background (pid in $IMPORT) and returns once the import
# holds the write lock and has named its batch in the holder file.
hold_import() {
  "$CREDIT_BIN" import big.csv --kind penalty --token-file op.token -q >import.log 2>&1 &
  IMPORT=$!
  for _ in $(seq 200); do
    grep -q '"import batch' s.db-holder 2>/dev/null && return 0
    sleep 0.05
  done
  fail "the import never named itself in s.db-holder"
}

# --- --wait 0 fails at once, naming the holder ---
hold_import
START=$(date +%s%N)
run credit user add v1 --role viewer --token-file admin.token --wait 0
expect_rc 8 "a busy store with --wait 0: exit 8 at once"
expect_err "the store is busy: import batch [0-9]+ by op \(process $IMPORT\), started [0-9:]{8} holds its write lock" \
  "the error names the holder"
expect_err "--wait" "the hint says how to wait longer"
(( ($(date +%s%N) - START) / 1000000 < 5000 )) && pass || fail "--wait 0 did not fail at once"

# --- a writer with time to wait queues behind the import and then succeeds ---
run credit user add v2 --role viewer --token-file admin.token --wait 2m
expect_rc 0 "user add waits for the import, then runs"
wait $IMPORT && pass || fail "the import that held the store failed: $(cat import.log)"
[[ ! -e s.db-holder ]] && pass || fail "the holder file outlives its import"

# --- on a terminal the waiter says what it waits for ---
if command -v script >/dev/null; then
  hold_import
  script -qec "$CREDIT_BIN user add v3 --role viewer --token-file admin.token --wait 2m" tty.log >/dev/null
  grep -Eq "waiting for import batch [0-9]+ by op \(process $IMPORT\), started [0-9:]{8} \(up to 2m 0s" tty.log &&
    pass || fail "no waiting line on the terminal: $(cat tty.log)"
  wait $IMPORT && pass || fail "the second import failed: $(cat import.log)"
fi
# Not on a pipe: a script learns the holder from the error, if it gives up.
hold_import
run credit user add v4 --role viewer --token-file admin.token --wait 2m
expect_rc 0 "a waiting writer off a terminal"
[[ "$ERR" != *waiting* ]] && pass || fail "waiting lines on a pipe: $ERR"
wait $IMPORT

# --- a holder that names nothing, and a stale holder file from a killed process ---
echo '{"pid":999999999,"user":"ghost","what":"import batch 99","since":"2026-05-06T10:00:00+08:00"}' >s.db-holder
(echo "BEGIN IMMEDIATE;"; sleep 3; echo "COMMIT;") | sqlite3 s.db &
HOLD=$!
sleep 0.5
START=$(date +%s%N)
run credit user add v5 --role viewer --token-file admin.token --wait 1s
expect_rc 8 "gives up after --wait 1s"
expect_err "the store is busy: another command holds its write lock; gave up after waiting 1 s" \
  "a stale holder file is not believed"
ELAPSED=$((($(date +%s%N) - START) / 1000000))
((ELAPSED >= 1000 && ELAPSED < 2900)) && pass || fail "waited ${ELAPSED} ms for --wait 1s"
wait $HOLD

run credit user add v6 --role viewer --token-file admin.token --wait soon
expect_rc 2 "--wait needs a duration"
expect_err "not a duration" "the usage error says why"

expect_eq "$(sqlite3 s.db "select group_concat(name) from users where name in ('v1', 'v2', 'v4', 'v5', 'v6')")" \
  "v2,v4" "the writers that waited were added, those that gave up were not"
# --- a second import waits for a large batch loading in bounded transactions, then runs ---
add_user s.db admin.token rev reviewer $DEPT
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q
credit generate sample --dept $DEPT --rows 20000 --seed 7 >chunked.csv
credit generate sample --dept $DEPT --rows 50 --seed 8 >small.csv
CREDIT_CHUNK_ROWS=1000 "$CREDIT_BIN" import chunked.csv --kind penalty --token-file op.token -q \
  >chunked.log 2>&1 &
LOADER=$!
loading() { sqlite3 s.db "select count(*) from settings where key = 'import.loading'"; }
for _ in $(seq 500); do [[ $(loading) == 1 ]] && break; sleep 0.02; done
[[ $(loading) == 1 ]] && pass || fail "the large batch never started loading"
run credit import small.csv --kind penalty --token-file op.token --wait 0
expect_rc 8 "--wait 0: an import is refused while a large batch loads"
run credit import small.csv --kind penalty --token-file op.token --wait 2m --format json
expect_rc 0 "with time to wait, the import waits for the loading batch and then runs"
expect_eq "$(json_get .status <<<"$OUT")" committed "the waiting import committed"
wait $LOADER && pass || fail "the large batch failed: $(cat chunked.log)"
expect_eq "$(sqlite3 s.db "select group_concat(inserted) from (select inserted from import_batches
  where status = 'committed' order by id desc limit 2)")" "50,20000" \
  "the large batch committed first, the waiting one after it"

run credit audit verify --token-file aud.token
expect_rc 0 "the audit chain is intact"
expect_eq "$(sqlite3 s.db "pragma integrity_check")" "ok" "integrity"
finish
