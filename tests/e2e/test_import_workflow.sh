#!/usr/bin/env bash
# The import workflow end to end: staging, approval by a reviewer of the department (never the
# stager, never another department), rejection, standing authorisations with expiry and
# revocation, departments, idempotent re-runs, updates with history, record amend/revoke, the JSON
# result and exit codes, and the audit chain afterwards.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
OTHER=91110000600037341L
export CREDIT_NOW=2026-05-06T10:00:00+08:00
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token rev2 reviewer $DEPT
add_user s.db admin.token op.other operator $OTHER
add_user s.db admin.token rev.other reviewer $OTHER
add_user s.db admin.token centre.rev reviewer '*'
add_user s.db admin.token viewer viewer
add_user s.db admin.token aud auditor
sample() { credit generate sample --dept $DEPT "$@"; }
records() { sqlite3 s.db "select count(*) from records"; }
export CREDIT_TOKEN_FILE=op.token

# --- stage, then approve ---
sample --rows 25 --seed 1 >jan.csv
run credit import jan.csv --kind penalty --format json
expect_rc 0 "stage"
python3 -c 'import json,sys; r=json.load(sys.stdin); assert {"batch","status","rows","accepted","rejected","unchanged","updated"} <= r.keys()' <<<"$OUT" && pass || fail "JSON result keys"
expect_eq "$(json_get .status <<<"$OUT")" "staged" "staged without authorisation"
B1=$(json_get .batch <<<"$OUT")
expect_eq "$(records)" "0" "nothing committed while staged"
run credit import jan.csv --kind penalty
expect_out "batch [0-9]+ staged: waiting for approval" "summary line"
expect_err "credit import approve" "the note says how to approve"
B1b=$(sqlite3 s.db "select max(id) from import_batches")

run credit import list --status staged --token-file rev.token --format json
expect_eq "$(json_get .0.status <<<"$OUT")" "staged" "import list --status staged"
run credit import list --token-file rev.other.token --format json
expect_eq "$OUT" "[]" "another department sees none of these batches"
run credit import approve $B1
expect_rc 5 "an operator may not approve"
run credit import approve $B1 --token-file rev.other.token
expect_rc 5 "a reviewer of another department may not approve"
expect_err "department" "the refusal names the department"
sqlite3 s.db "update import_batches set staged_by = 'centre.rev' where id = $B1"
run credit import approve $B1 --token-file centre.rev.token
expect_rc 5 "the stager may not approve, even from the credit centre"
expect_err "separation of duties" "the refusal says why"
sqlite3 s.db "update import_batches set staged_by = 'op' where id = $B1"
run credit import approve $B1 --token-file rev.token --format json
expect_rc 0 "approve"
expect_eq "$(json_get .status <<<"$OUT")" "committed" "approved batch committed"
expect_eq "$(records)" "25" "25 records after approval"
run credit import approve $B1 --token-file rev2.token
expect_rc 7 "a decided batch cannot be approved again"
run credit import reject $B1b --reason "重复提交" --token-file rev2.token
expect_rc 0 "reject the duplicate batch"
run credit import show $B1b --token-file rev.token --format json
expect_eq "$(json_get .status <<<"$OUT")" "rejected" "show: rejected"
expect_eq "$(json_get .reason <<<"$OUT")" "重复提交" "show: the reason"
expect_eq "$(json_get .decided_by <<<"$OUT")" "rev2" "show: who"
run credit import show $B1 --token-file rev.token
expect_out "STAGED BY +op" "show (table): who staged"
expect_out "jan.csv +utf-8 +csv +25" "show (table): the file, encoding, rows"
expect_out "[0-9a-f]{64}" "show (table): the file's digest"
run credit import show 999 --token-file rev.token
expect_rc 6 "no such batch"

# --- re-running the same file: unchanged, audited ---
run credit import jan.csv --kind penalty --format json
expect_eq "$(json_get .status <<<"$OUT")" "committed" "nothing to approve"
expect_eq "$(json_get .unchanged <<<"$OUT")" "25" "unchanged"
expect_eq "$(records)" "25" "still 25 records"

# --- a standing authorisation: commits at once; expiry and revocation ---
run credit import authorize --kind penalty --until 2026-05-31 --token-file rev.token --format json
expect_rc 0 "grant"
AUTH=$(json_get .authorization <<<"$OUT")
run credit import authorize --kind penalty --until 2026-05-31
expect_rc 5 "an operator may not grant"
run credit import authorize --kind penalty --until 2026-05-31 --dept $OTHER --token-file rev.token
expect_rc 5 "not for another department"
run credit import authorize --until 2026-05-31 --token-file rev.token
expect_rc 2 "authorize needs --kind"
sample --rows 10 --seed 2 >feb.csv
run credit import feb.csv --kind penalty --format json
expect_eq "$(json_get .status <<<"$OUT")" "committed" "committed under the authorisation"
expect_eq "$(json_get .authorization <<<"$OUT")" "$AUTH" "names the authorisation"
sample --rows 5 --seed 3 >mar.csv
CREDIT_NOW=2026-06-01T09:00:00+08:00 run credit import mar.csv --kind penalty --format json
expect_eq "$(json_get .status <<<"$OUT")" "staged" "after its last day: staged"
run credit import authorizations --format json
expect_eq "$(json_get .0.status <<<"$OUT")" "valid" "listed as valid"
run credit import authorize --revoke $AUTH --reason "岗位调整" --token-file rev.token
expect_rc 0 "revoke"
sample --rows 5 --seed 4 >apr.csv
run credit import apr.csv --kind penalty --format json
expect_eq "$(json_get .status <<<"$OUT")" "staged" "after revocation: staged"
run credit import authorizations --format json
expect_eq "$(json_get .0.status <<<"$OUT")" "revoked" "listed as revoked"
credit import authorize --kind penalty --until 2026-12-31 --token-file rev.token -q

# --- departments: another department's rows are refused ---
credit generate sample --dept $OTHER --rows 5 --seed 5 >other.csv
run credit import other.csv --kind penalty --rejects other-rejects.csv
expect_rc 5 "another department's rows: exit 5"
expect_err "permission denied: the row belongs to department $OTHER" "reason"
run credit import other.csv --kind penalty --token-file op.other.token --format json
expect_eq "$(json_get .status <<<"$OUT")" "staged" "its own operator stages it"

# --- a changed row updates the record and keeps the previous version ---
python3 - <<'EOF'
import csv
rows = list(csv.reader(open("feb.csv", encoding="utf-8", newline="")))
i = rows[0].index("违法行为类型")
rows[1][i] = "销售假冒伪劣产品"
csv.writer(open("feb-fixed.csv", "w", encoding="utf-8", newline="")).writerows(rows)
EOF
run credit import feb-fixed.csv --kind penalty --format json
expect_eq "$(json_get .updated <<<"$OUT")" "1" "one updated"
expect_eq "$(json_get .unchanged <<<"$OUT")" "9" "nine unchanged"
ID=$(sqlite3 s.db "select id from records where version = 2")
run credit record show $ID --purpose 核查
expect_rc 0 "record show"
expect_out "version 2" "the current version"
expect_out "违法行为类型: .* → 销售假冒伪劣产品" "history shows before → after"
expect_out "national-2026/" "derived values name their rules"
run credit record show $ID --purpose 核查 --format json
expect_eq "$(json_get .history.0.change <<<"$OUT")" "import" "history: how"

# --- amend and revoke, under the authorisation (at once) and without (staged) ---
run credit record amend $ID --set 'CF_NR=罚款人民币8000元' --set '罚款金额(万元)=0.8' --reason "决定书更正" --format json
expect_rc 0 "amend"
expect_eq "$(json_get .status <<<"$OUT")" "committed" "amend committed under the authorisation"
expect_eq "$(sqlite3 s.db "select version from records where id = $ID")" "3" "version 3"
run credit record amend $ID --set 'CF_JDRQ=2027-01-01' --reason "x"
expect_rc 3 "an amendment is validated like an import row"
expect_err "in the future" "the reason"
run credit record amend $ID --set 'CF_NR_FK=0.8' --reason "x"
expect_rc 7 "no change"
run credit record amend $ID --set 'CF_NR_FK=1' --reason "x" --token-file op.other.token
expect_rc 5 "another department may not amend"
run credit record amend $ID --set 'CF_NR_FK=1'
expect_rc 2 "--reason is required"
credit import authorize --revoke $(sqlite3 s.db "select max(id) from import_authorizations") --token-file rev.token -q
run credit record revoke $ID --reason "行政复议撤销原处罚决定" --format json
expect_eq "$(json_get .status <<<"$OUT")" "staged" "revoke staged without an authorisation"
RB=$(json_get .batch <<<"$OUT")
expect_eq "$(sqlite3 s.db "select status from records where id = $ID")" "active" "still active until approved"
run credit import approve $RB --token-file rev.token
expect_rc 0 "revocation approved"
expect_eq "$(sqlite3 s.db "select status from records where id = $ID")" "revoked" "revoked"
run credit record show $ID --purpose 核查 --format json
expect_eq "$(json_get .history.2.change <<<"$OUT")" "revoke" "history: the revocation"

# --- viewers see masked personal data ---
PID=$(sqlite3 s.db "select id from records where subject_type = 'natural_person' limit 1")
run credit record show $PID --purpose 核查 --token-file viewer.token --format json
expect_eq "$(json_get .masked <<<"$OUT")" "true" "viewer: masked"
CLEAR=$(sqlite3 s.db "select id_number from records where id = $PID")
grep -q "$CLEAR" <<<"$OUT" && fail "viewer sees the ID number" || pass
run credit record show $PID --purpose 核查 --token-file aud.token
expect_rc 5 "an auditor may not read records"
run credit record show 99999 --purpose 核查
expect_rc 6 "no such record"

# --- an approval large enough to build the indexes at its end (threshold lowered to 10 rows) ---
sample --rows 60 --seed 41 >bulk.csv
run credit import bulk.csv --kind penalty --format json
BULK=$(json_get .batch <<<"$OUT")
BEFORE=$(records)
INDEXES=$(sqlite3 s.db "select group_concat(sql, ';') from (select sql from sqlite_schema where tbl_name = 'records' and type = 'index' order by name)")
CREDIT_BULK_INDEX_ROWS=10 run credit import approve $BULK --token-file rev.token
expect_rc 0 "a bulk approval commits (it used to fail: database table is locked)"
expect_eq "$(records)" "$((BEFORE + 60))" "the 60 rows committed"
expect_eq "$(sqlite3 s.db "select group_concat(sql, ';') from (select sql from sqlite_schema where tbl_name = 'records' and type = 'index' order by name)")" \
  "$INDEXES" "the indexes are built again"
expect_eq "$(sqlite3 s.db "pragma integrity_check")" "ok" "integrity after a bulk approval"

# --- the audit log: one entry per batch, every refusal, nothing personal in clear ---
expect_eq "$(sqlite3 s.db "select count(*) from audit_log where action = 'import.run' and outcome = 'ok'")" \
  "$(sqlite3 s.db "select count(*) from import_batches where operation = 'import'")" "one audit entry per import batch"
[[ -z "$(sqlite3 s.db "select 1 from audit_log where params like '%$CLEAR%'")" ]] && pass || fail "an ID number in the audit log"
run credit audit verify --token-file aud.token
expect_rc 0 "audit chain intact"
finish
