#!/usr/bin/env bash
# Readers are never blocked by writers: while an import holds the store's write lock, a query from
# another process answers at once, its audit entry recorded (durably, before the answer) in the
# side log of reads s.db-reads; the next write folds it into the main log; audit verify checks both.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q
add_user s.db admin.token view viewer
add_user s.db admin.token aud auditor
credit generate sample --dept $DEPT --rows 200 --seed 1 >small.csv
credit import small.csv --kind penalty --token-file op.token -q
# A subject with a record: an organisation's USCC from the sample (third column).
USCC=$(awk -F, 'NR > 1 && $3 != "" {print $3; exit}' small.csv)
[[ -n "$USCC" ]] && pass || fail "no USCC in the sample"
# Large enough to hold the store for a few seconds; the lowered threshold takes the deferred-index
# path of a big batch too.
credit generate sample --dept $DEPT --rows 60000 --seed 3 >big.csv

CREDIT_BULK_INDEX_ROWS=1000 "$CREDIT_BIN" import big.csv --kind penalty --token-file op.token -q \
  >import.log 2>&1 &
IMPORT=$!
for _ in $(seq 200); do
  grep -q '"import batch' s.db-holder 2>/dev/null && break
  sleep 0.05
done
grep -q '"import batch' s.db-holder && pass || fail "the import never held the store"

START=$(date +%s%N)
run credit query --uscc "$USCC" --purpose 核查 --count --token-file view.token --wait 0
ELAPSED=$((($(date +%s%N) - START) / 1000000))
kill -0 $IMPORT 2>/dev/null && pass || fail "the import ended before the query answered (${ELAPSED} ms): the test proves nothing"
expect_rc 0 "a query during the import answers, even with --wait 0"
expect_out "^[1-9][0-9]* records" "the query finds the subject's record"
((ELAPSED < 5000)) && pass || fail "the query took ${ELAPSED} ms during the import"
[[ -e s.db-reads ]] && pass || fail "no side log of reads"
expect_eq "$(stat -c %a s.db-reads)" "600" "the side log is private like the store"
expect_eq "$(sqlite3 s.db-reads "select action || ' ' || actor from read_log")" "query.run view" \
  "the query's entry is in the side log before the answer"
run credit audit verify --token-file aud.token --format json
expect_rc 0 "audit verify during the import"
expect_eq "$(json_get .valid <<<"$OUT")" "true" "the log and the side log verify during the import"

wait $IMPORT && pass || fail "the import failed: $(cat import.log)"
# A query that finds the store free writes to the main log and folds the side entries first.
run credit query --uscc "$USCC" --purpose 核查 --count --token-file view.token
expect_rc 0 "a query on the idle store"
expect_eq "$(sqlite3 s.db "select json_extract(params, '\$.entry.action') from audit_log where action = 'audit.read_entry' order by seq" | tr '\n' ' ')" \
  "query.run audit.verify " "the side entries were folded into the main log in order"
expect_eq "$(sqlite3 s.db-reads "select count(*) from read_log")" "0" "folded entries leave the side log"
expect_eq "$(sqlite3 s.db "select action from audit_log order by seq desc limit 1")" "query.run" \
  "the idle query's own entry is in the main log, after the folded ones"
run credit audit verify --token-file aud.token --format json
expect_eq "$(json_get .valid <<<"$OUT")" "true" "the chain verifies after the fold"
expect_eq "$(json_get .reads.folded <<<"$OUT")" "2" "verify checked the folded reads"

# A side entry altered before its fold is caught, and never folded.
(echo "BEGIN IMMEDIATE;"; sleep 2; echo "COMMIT;") | sqlite3 s.db &
HOLD=$!
sleep 0.3
run credit query --uscc "$USCC" --purpose 核查 --count --token-file view.token --wait 0
expect_rc 0 "a query while sqlite3 holds the store"
sqlite3 s.db-reads "update read_log set actor = 'someone'"
wait $HOLD
run credit audit verify --token-file aud.token
expect_rc 9 "audit verify fails on an altered side entry"
expect_err "side log of reads is broken at its entry" "it says where"
expect_eq "$(sqlite3 s.db "pragma integrity_check")" "ok" "integrity"
finish
