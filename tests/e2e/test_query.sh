#!/usr/bin/env bash
# credit query end to end: the same records as each role sees them (levels, departments, masking,
# a legal representative's ID number), record show deciding the same way, the purpose rule and the
# registration of every query (查询使用登记), filters, paging, --count and the output formats.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
OTHER=91110000600037341L
REP_ID=11010519491231002X
export CREDIT_NOW=2026-05-06T10:00:00+08:00
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token op.other operator $OTHER
add_user s.db admin.token centre reviewer '*'
add_user s.db admin.token viewer viewer
add_user s.db admin.token aud auditor
credit import authorize --kind penalty --until 2026-12-31 --token-file rev.token -q

# Sample data, the first organisation with its legal representative's ID number.
credit generate sample --dept $DEPT --rows 60 --seed 3 >in.csv
python3 - "$REP_ID" <<'EOF'
import csv, sys
rows = list(csv.reader(open("in.csv", encoding="utf-8", newline="")))
h = rows[0]
org = next(r for r in rows[1:] if r[h.index("行政相对人类别")] == "法人及非法人组织")
org[h.index("法定代表人证件类型")] = "身份证"
org[h.index("法定代表人证件号码")] = sys.argv[1]
csv.writer(open("in.csv", "w", encoding="utf-8", newline="")).writerows(rows)
EOF
credit import in.csv --kind penalty --token-file op.token -q
# Nothing publishes yet in this suite: publish two records by hand, one person, one organisation.
PID=$(sqlite3 s.db "select id from records where subject_type = 'natural_person' limit 1")
OID=$(sqlite3 s.db "select id from records where data like '%$REP_ID%'")
sqlite3 s.db "update records set status = 'published', disclosure = 'public' where id in ($PID, $OID)"
NAME=$(sqlite3 s.db "select subject_name from records where id = $PID")
IDNUM=$(sqlite3 s.db "select id_number from records where id = $PID")
USCC=$(sqlite3 s.db "select uscc from records where id = $OID")
MASKED_ID="${IDNUM:0:4}**********${IDNUM:14:4}"
MASKED_NAME="${NAME:0:1}$(printf '%*s' $((${#NAME} - 1)) '' | tr ' ' '*')"

# --- the same natural person's record as each role sees it ---
see() {  # see USER → the record's NDJSON line in $OUT
  run credit query --id-number "$IDNUM" --purpose "核查" --format ndjson --token-file "$1.token"
}
for who in op rev centre; do
  see $who
  expect_rc 0 "$who: query"
  expect_eq "$(json_get .subject_name <<<"$OUT")" "$NAME" "$who (own department): name in clear"
  expect_eq "$(json_get .id_number <<<"$OUT")" "$IDNUM" "$who (own department): ID number in clear"
  expect_eq "$(json_get .masked <<<"$OUT")" "false" "$who: not masked"
done
for who in op.other viewer; do
  see $who
  expect_rc 0 "$who: query"
  expect_eq "$(json_get .subject_name <<<"$OUT")" "$MASKED_NAME" "$who: surname only"
  expect_eq "$(json_get .id_number <<<"$OUT")" "$MASKED_ID" "$who: first and last four"
  grep -q "$IDNUM" <<<"$OUT" && fail "$who sees the ID number" || pass
done
for who in aud admin; do
  see $who
  expect_rc 5 "$who: no query rights"
done
# The public level: what the portal shows, masked, no purpose needed.
run credit query --id-number "$IDNUM" --level public --format ndjson --token-file viewer.token
expect_rc 0 "public level without a purpose"
expect_eq "$(json_get .id_number <<<"$OUT")" "$MASKED_ID" "public level: masked"
expect_eq "$(json_get .disclosure <<<"$OUT")" "public" "disclosed at the public level"

# --- record show decides the same way ---
run credit record show $PID --purpose 核查 --token-file viewer.token --format json
expect_eq "$(json_get .record.id_number <<<"$OUT")" "$MASKED_ID" "record show (viewer): masked ID"
expect_eq "$(json_get .record.subject_name <<<"$OUT")" "$MASKED_NAME" "record show (viewer): masked name"
run credit record show $PID --token-file op.token --format json
expect_rc 2 "record show in clear needs a purpose, as query does"
expect_err "a purpose is required" "record show: says why"
run credit record show $PID --purpose 核查 --token-file op.token --format json
expect_eq "$(json_get .record.id_number <<<"$OUT")" "$IDNUM" "record show (own department): clear"

# --- a legal representative's ID number: never shown outside the department ---
for who in viewer op.other; do
  run credit record show $OID --purpose 核查 --token-file $who.token
  expect_rc 0 "$who: record show of an organisation"
  expect_out "法定代表人证件号码.*\*{18}" "$who: the representative's ID number hidden entirely"
  grep -qE "$REP_ID|${REP_ID:0:4}\*" <<<"$OUT" && fail "$who sees the representative's ID" || pass
done
run credit record show $OID --purpose 核查 --token-file op.token
expect_out "法定代表人证件号码.*$REP_ID" "own department: the representative's ID number"

# --- the authorised level: own department, and the credit centre under the subject's
# authorisation (授权查询, test_consent.sh) ---
sqlite3 s.db "update records set disclosure = 'authorised' where id = $OID"
run credit query --uscc $USCC --purpose "核查" --count --token-file op.token
expect_out "^1 records" "op sees its department's authorised record"
run credit query --uscc $USCC --purpose "核查" --count --token-file centre.token
expect_rc 11 "the centre needs the subject's authorisation"
echo "授权书" >auth.txt
credit consent add --subject $USCC --purpose 核查 --scope penalty --until 2026-12-31 \
  --evidence auth.txt --token-file op.token -q
run credit query --uscc $USCC --purpose "核查" --count --token-file centre.token
expect_out "^1 records" "centre sees the authorised record under the authorisation"
for who in op.other viewer; do
  run credit query --uscc $USCC --purpose "核查" --count --token-file $who.token
  expect_out "^0 records" "$who does not see the authorised record"
  run credit record show $OID --purpose 核查 --token-file $who.token
  expect_rc 5 "$who: record show of an authorised record of another department"
done
run credit query --uscc $USCC --level authorised --purpose "核查" --token-file viewer.token
expect_rc 5 "a viewer may not ask for the authorised level"
sqlite3 s.db "update records set disclosure = 'public' where id = $OID"

# --- purpose and registration (查询使用登记) ---
run credit query --name "$NAME" --token-file viewer.token
expect_rc 2 "beyond the public level without --purpose"
expect_err "purpose is required" "the refusal says why"
expect_eq "$(sqlite3 s.db "select outcome from audit_log where action = 'query.run' order by seq desc limit 1")" \
  "failed" "the refused query is registered"
run credit query --name "$NAME" --purpose "投诉核查 2026-017" --format json --token-file viewer.token
expect_rc 0 "name query with a purpose"
COUNT=$(json_get .count <<<"$OUT")
ENTRY=$(sqlite3 s.db "select actor || '|' || reason || '|' || params from audit_log where action = 'query.run' order by seq desc limit 1")
expect_eq "${ENTRY%%|*}" "viewer" "registered: who"
grep -q "|投诉核查 2026-017|" <<<"$ENTRY" && pass || fail "registered: the purpose ($ENTRY)"
grep -q "\"count\":$COUNT" <<<"$ENTRY" && pass || fail "registered: how many ($ENTRY)"
grep -q '"name_contains":"hmac:' <<<"$ENTRY" && pass || fail "registered: the name as an HMAC ($ENTRY)"
[[ -z "$(sqlite3 s.db "select 1 from audit_log where params like '%$IDNUM%' or params like '%$NAME%'")" ]] &&
  pass || fail "a name or ID number in the audit log"

# --- filters, paging, formats ---
ALL=$(sqlite3 s.db "select count(*) from records")
run credit query --count --purpose "统计" --token-file centre.token
expect_out "^$ALL records" "--count: every record for the credit centre"
run credit query --kind penalty --severity minor --count --purpose "统计" --format json --token-file centre.token
expect_eq "$(json_get .count <<<"$OUT")" \
  "$(sqlite3 s.db "select count(*) from records where severity = 'minor'")" "--severity"
run credit query --in-publicity --purpose x --format ndjson --token-file centre.token
expect_eq "$(wc -l <<<"$OUT")" \
  "$(sqlite3 s.db "select count(*) from records where status = 'published' and publicity_until >= '2026-05-06'")" \
  "--in-publicity: published records still in their period"
run credit query --limit 25 --purpose x --format ndjson --token-file centre.token
expect_eq "$(wc -l <<<"$OUT")" "25" "--limit"
expect_err "continue with --after 25" "the note gives the next page"
run credit query --limit 25 --after 50 --purpose x --format ndjson --token-file centre.token
expect_eq "$(wc -l <<<"$OUT")" "$((ALL - 50))" "--after: the rest"
expect_eq "$(head -1 <<<"$OUT" | json_get .id)" "51" "--after: in id order"
run credit query --id-number "$IDNUM" --purpose x --format ndjson --token-file op.token
python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
need = {"id", "kind", "status", "severity", "subject_name", "subject_type", "uscc", "id_number",
        "document_number", "authority", "decided_on", "publicity_until"}
assert need <= r.keys(), need - r.keys()' <<<"$OUT" && pass || fail "NDJSON keys"
run credit query --id-number "$IDNUM" --purpose x --format csv --token-file op.token
expect_out "^id,kind,status,severity,subject_name,subject_type,uscc,id_number,document_number,authority" "CSV header"
expect_out "$IDNUM" "CSV row"
run credit query --id-number "$IDNUM" --purpose x --token-file op.token
expect_out "ID +KIND +STATUS" "table header"
run credit query --uscc 123 --purpose x --token-file op.token
expect_rc 3 "a malformed code"
expect_err "not a unified social credit code" "the error names the problem"
run credit query --decided-from 2026-02-30 --purpose x --token-file op.token
expect_rc 3 "a malformed date"
run credit audit verify --token-file aud.token
expect_rc 0 "audit chain intact"
finish
