#!/usr/bin/env bash
# kill -9 at random moments of large imports (committing, staging) and approvals: afterwards the
# store holds either nothing of the batch or all of it, never part, and the audit chain verifies.
# Committing imports run in bounded transactions (CREDIT_CHUNK_ROWS lowered, service/
# loading_batch.hpp): a killed one leaves committed chunks that every reader skips and the next
# write removes.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
ROWS=${ATOMIC_ROWS:-30000}
RANDOM=20260506  # reproducible "random" moments
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token aud auditor
export CREDIT_TOKEN_FILE=op.token
q() { sqlite3 s.db "$1"; }
# The records readers see: not those of a batch still loading (or left loading by a kill).
visible="select count(*) from records where id < coalesce((select cast(value as integer)
  from settings where key = 'records.hidden_from'), 9223372036854775807)"
loading_marks="select count(*) from settings where key in ('import.loading', 'records.hidden_from')"
# Any write first removes a batch whose process is gone.
recovering_write() { credit import authorize --kind license --until "$(authorize_until)" --token-file rev.token -q; }

# How long an undisturbed import of this size takes here, to aim the kills inside it.
credit generate sample --dept $DEPT --rows $ROWS --seed 100 >warmup.csv
start=$(date +%s%N)
credit import warmup.csv --kind penalty -q
credit import approve 1 --token-file rev.token -q
took_ms=$((($(date +%s%N) - start) / 1000000))
((took_ms > 0)) && pass || fail "timing the warm-up"
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q

# Large batches drop the records' secondary indexes and build them again before committing
# (service/deferred_indexes.hpp): a kill in between must leave every index in place.
index_sql="select group_concat(sql) from (select sql from sqlite_schema where tbl_name = 'records' order by name)"
indexes=$(q "$index_sql")

# kill_during DESCRIPTION COMMAND…: runs the command, kills it with SIGKILL after a random part of
# the warm-up's duration, and checks that the records are as before or include the whole batch.
kills=0
kill_during() {
  local what=$1
  shift
  local before batches_before delay
  before=$(q "$visible")
  batches_before=$(q "select count(*) from import_batches")
  delay=$((took_ms * (5 + RANDOM % 90) / 100))
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(printf '0.%03d' $((delay % 1000)))"
  sleep $((delay / 1000))
  if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
  wait $pid 2>/dev/null
  local after new_batches
  after=$(q "$visible")
  recovering_write
  [[ $(q "select count(*) from records") == "$after" && $(q "$loading_marks") == 0 ]] && pass ||
    fail "$what: the next write left $(q "select count(*) from records") records, $after visible"
  new_batches=$(q "select count(*) from import_batches") 
  new_batches=$((new_batches - batches_before))
  if [[ $after == "$before" || $after == $((before + ROWS)) ]]; then pass; else
    fail "$what killed after ${delay} ms: $after records, expected $before or $((before + ROWS))"
  fi
  [[ $(q "pragma integrity_check") == ok ]] && pass || fail "$what: integrity_check"
  [[ $(q "$index_sql") == "$indexes" ]] && pass || fail "$what: the records' indexes changed"
  [[ $(q "select count(*) from import_batches b where status = 'committed' and operation = 'import'
          and inserted > 0 and inserted != (select count(*) from records r where r.batch_id = b.id)") == 0 ]] &&
    pass || fail "$what: a committed batch without all its records"
  ((new_batches <= 1)) && pass || fail "$what: $new_batches new batches"
}

# Chunks of 4,000 rows; imports 3 and 4 also drop the secondary indexes after 5,000 rows (built
# again in the final transaction, or by the recovering write after a kill).
for i in 1 2 3 4; do
  credit generate sample --dept $DEPT --rows $ROWS --seed $i >commit-$i.csv
  bulk=$((i > 2 ? 5000 : 1000000))
  kill_during "committing import $i" env CREDIT_CHUNK_ROWS=4000 CREDIT_BULK_INDEX_ROWS=$bulk \
    "$CREDIT_BIN" import commit-$i.csv --kind penalty
done

credit import authorize --revoke 1 --token-file rev.token -q
for i in 5 6; do
  credit generate sample --dept $DEPT --rows $ROWS --seed $i >stage-$i.csv
  before_staged=$(q "select count(*) from staged_rows")
  kill_during "staging import $i" "$CREDIT_BIN" import stage-$i.csv --kind penalty
  staged=$(q "select count(*) from staged_rows")
  [[ $staged == "$before_staged" || $staged == $((before_staged + ROWS)) ]] && pass ||
    fail "staging killed: $staged staged rows"
done
# Approvals of whatever got staged, killed too.
for b in $(q "select id from import_batches where status = 'staged'"); do
  kill_during "approving batch $b" "$CREDIT_BIN" import approve $b --token-file rev.token
  status=$(q "select status from import_batches where id = $b")
  left=$(q "select count(*) from staged_rows where batch_id = $b")
  if [[ $status == staged && $left == "$ROWS" ]] || [[ $status == committed && $left == 0 ]]; then pass; else
    fail "approval of $b killed: status $status with $left staged rows"
  fi
done
echo "$kills processes killed mid-run (warm-up took ${took_ms} ms)"
((kills >= 3)) && pass || fail "too few kills landed while running: $kills"

# Nothing was lost from the log, and a later import still works.
run credit audit verify --token-file aud.token
expect_rc 0 "audit chain intact after the kills"
credit generate sample --dept $DEPT --rows 10 --seed 99 >after.csv
run credit import after.csv --kind penalty --format json
expect_rc 0 "the store works after the kills"

# A batch frozen between two chunks by kill -9, in a store of its own: no reader sees any of it;
# while its mark names a live process, writers (publish, purge-expired) leave it alone and another
# import is refused; then the next write removes it and the store is as before.
new_store f.db fadmin.token
export CREDIT_STORE=f.db
add_user f.db fadmin.token fop operator $DEPT
add_user f.db fadmin.token frev reviewer $DEPT
add_user f.db fadmin.token fpub publisher
add_user f.db fadmin.token faud auditor
q() { sqlite3 f.db "$1"; }
credit import authorize --kind penalty --until "$(authorize_until)" --token-file frev.token -q
credit generate sample --dept $DEPT --rows 3000 --seed 49 --authorities 8 --shuffle >first.csv
credit import first.csv --kind penalty --token-file fop.token -q
before=$(q "$visible")
credit generate sample --dept $DEPT --rows 20000 --seed 50 --authorities 8 --shuffle >frozen.csv
CREDIT_CHUNK_ROWS=1000 "$CREDIT_BIN" import frozen.csv --kind penalty --token-file fop.token \
  >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 500); do
  (($(q "select count(*) from records") > before)) && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
hidden=$(($(q "select count(*) from records") - before))
((hidden > 0 && hidden < 20000)) && pass || fail "frozen batch: $hidden records committed"
batch=$(q "select json_extract(value, '\$.batch') from settings where key = 'import.loading'")
from=$(q "select value from settings where key = 'records.hidden_from'")
newest=$(q "select max(id) from records")
[[ -n $batch && -n $from ]] && pass || fail "no mark of the loading batch"
run credit query --kind penalty --count --token-file frev.token --purpose "atomic test"
expect_out "^$before records" "a query does not count the loading batch's records"
name=$(q "select subject_name from records where id = $newest")
run credit query --name "$name" --count --token-file frev.token --purpose "atomic test"
expect_out "^$(q "$visible and subject_name like '%$name%'") records" \
  "a query by name does not find the loading batch's records"
run credit record show "$newest" --token-file frev.token --purpose "atomic test"
expect_rc 6 "record show does not find a record of the loading batch"
run credit import show "$batch" --token-file frev.token
expect_rc 6 "import show does not find the loading batch"
run credit import list --format json --token-file frev.token
[[ $OUT != *"\"batch\": $batch,"* ]] && pass || fail "import list shows the loading batch"
run credit report summary --format json --token-file frev.token
expect_out "\"value\": $before\b" "report summary: records in the store as before"
# The mark names this (live) shell now, as if the loader were still running.
start=$(awk '{sub(/.*\) /, ""); print $20}' /proc/$$/stat)
q "update settings set value = json_set(value, '\$.pid', $$, '\$.process_start', '$start')
   where key = 'import.loading'"
mkdir rel
run credit publish --out rel --token-file fpub.token
expect_rc 0 "publish beside a loading batch"
expect_eq "$(q "select count(*) from release_items where record_id >= $from")" 0 \
  "publish released none of the loading batch's records"
expect_eq "$(q "select value < $from from settings where key = 'publish.records_upto'")" 1 \
  "publish's watermark stays below the loading batch"
CREDIT_NOW=2099-01-01T10:00:00+08:00 run credit purge-expired --token-file fpub.token
expect_rc 0 "purge-expired beside a loading batch"
expect_eq "$(q "select count(*) from records where id >= $from and status <> 'active'")" 0 \
  "purge-expired changed none of the loading batch's records"
expect_eq "$(q "select count(*) from records where id < $from and status = 'expired'")" "$before" \
  "purge-expired expired the visible ones"
run credit import first.csv --kind penalty --token-file fop.token --wait 0
expect_rc 8 "with --wait 0 an import is refused while another process loads a batch"
expect_err "import batch $batch is being loaded" "and says which"
expect_eq "$(q "select count(*) from records") $(q "$loading_marks")" "$((before + hidden)) 2" \
  "a live loading batch is not removed"
q "update settings set value = json_set(value, '\$.pid', $pid) where key = 'import.loading'"
credit import authorize --kind license --until "$(authorize_until)" --token-file frev.token -q
expect_eq "$(q "select count(*) from records")" "$before" "the next write removed the frozen batch"
expect_eq "$(q "select count(*) from import_batches where id = $batch")" 0 "its batch row too"
expect_eq "$(q "$loading_marks")" 0 "and the loading marks"
expect_eq "$(q "pragma integrity_check")" ok "integrity after removing the frozen batch"
run credit audit verify --token-file faud.token
expect_rc 0 "audit chain intact after the frozen batch"
finish
