#!/usr/bin/env bash
# Authorised query (授权查询) end to end: a natural person's and an organisation's records at the
# authorised level, read by the credit centre. Without the subject's authorisation: refused with
# exit 11 naming national-2026/consent.required; with one covering purpose, kind and day:
# answered; expired, revoked, another purpose or another kind: refused again. --until beyond the
# profile's one year is refused; the ID number is never kept or logged in clear; every step is
# audited and the chain verifies. The record's own department reads its records without one.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2026-05-06T10:00:00+08:00
department_store $DEPT
for user in "centre reviewer" "desk operator" "viewer viewer" "aud auditor"; do
  read -r name role <<<"$user"
  add_user s.db admin.token "$name" "$role" "$([[ $role == viewer || $role == auditor ]] || echo '*')"
done
credit generate sample --dept $DEPT --rows 30 --seed 5 >in.csv
credit import in.csv --kind penalty --token-file op.token -q
q() { sqlite3 s.db "$1"; }
PID=$(q "select id from records where subject_type = 'natural_person' order by id limit 1")
OID=$(q "select id from records where uscc is not null and subject_type <> 'natural_person' order by id limit 1")
IDNUM=$(q "select id_number from records where id = $PID")
USCC=$(q "select uscc from records where id = $OID")
q "update records set disclosure = 'authorised' where id in ($PID, $OID)"
echo "signed authorisation of the subject" >auth.pdf
DIGEST=$(sha256sum auth.pdf | cut -d' ' -f1)

ask() {  # ask PURPOSE [more options]: the centre's authorised query for the person
  local purpose=$1
  shift
  run credit query --id-number "$IDNUM" --level authorised --purpose "$purpose" --format json \
    --token-file centre.token "$@"
}

# --- no authorisation: refused, naming the rule, the ID number masked ---
ask "贷款审批"
expect_rc 11 "authorised query without an authorisation"
expect_err "national-2026/consent.required" "the refusal names the rule"
expect_err "none is recorded" "the refusal says why"
expect_err "${IDNUM:0:4}\*{10}${IDNUM:14:4}" "the subject, masked"
grep -q "$IDNUM" <<<"$ERR" && fail "the refusal shows the ID number" || pass
run credit record show $PID --purpose "贷款审批" --token-file centre.token
expect_rc 11 "record show of the authorised record without an authorisation"
expect_err "record $PID reads a penalty record .*national-2026/consent.required" "record show names the rule"
run credit query --count --purpose "统计" --token-file centre.token
expect_rc 11 "an unfiltered query matching the authorised records is refused too"
# The own department reads its records by its own duty, without one.
run credit record show $PID --purpose "核查" --token-file op.token
expect_rc 0 "the own department's record show"
run credit query --id-number "$IDNUM" --purpose "核查" --count --token-file rev.token
expect_out "^1 records" "the own department's query"

# --- recording an authorisation ---
run credit consent add --subject "$IDNUM" --purpose 贷款审批 --scope penalty --until 2027-05-07 \
  --evidence auth.pdf --token-file desk.token
expect_rc 11 "--until beyond the profile's maximum validity"
expect_err "national-2026/consent.max_validity" "names the maximum-validity rule"
expect_err "until 2027-05-06" "says the last day allowed"
run credit consent add --subject "$IDNUM" --purpose 贷款审批 --scope penalty --until 2026-12-31 \
  --evidence auth.pdf --token-file viewer.token
expect_rc 5 "a viewer may not record an authorisation"
run credit consent add --subject "$IDNUM" --purpose 贷款审批 --scope penalty --until 2026-12-31 \
  --evidence auth.pdf --token-file desk.token --format json
expect_rc 0 "authorisation recorded"
C1=$(json_get .consent <<<"$OUT")
expect_eq "$(json_get .evidence_sha256 <<<"$OUT")" "$DIGEST" "evidence by its digest"
expect_eq "$(json_get .subject <<<"$OUT")" "${IDNUM:0:4}**********${IDNUM:14:4}" "subject shown masked"
expect_eq "$(q "select substr(subject_key, 1, 5) from consents where id = $C1")" "hmac:" "ID number kept as an HMAC"
[[ -z "$(q "select 1 from consents where subject_key like '%$IDNUM%' or subject_shown like '%$IDNUM%'")" ]] &&
  pass || fail "the consents table holds the ID number in clear"
[[ -z "$(q "select 1 from sqlite_master where sql like '%content%' and name = 'consents'")" ]] && pass ||
  fail "the evidence file is kept"

# --- with it: answered ---
ask "贷款审批 2026-017"
expect_rc 0 "authorised query under the authorisation (purpose with a reference)"
expect_eq "$(json_get .0.id <<<"$OUT")" "$PID" "the record is answered"
run credit record show $PID --purpose "贷款审批" --token-file centre.token --format json
expect_rc 0 "record show under the authorisation"
expect_eq "$(json_get .record.id <<<"$OUT")" "$PID" "record show answers"
ask "招标资格审查"
expect_rc 11 "another purpose"
expect_err "authorisation $C1: it is for the purpose '贷款审批'" "says which authorisation and why"

# --- the organisation: an authorisation for licences does not cover a penalty ---
run credit consent add --subject "$USCC" --purpose 贷款审批 --scope license --until 2026-12-31 \
  --evidence auth.pdf --token-file desk.token --format json
expect_rc 0 "organisation's authorisation (licences only)"
run credit query --uscc "$USCC" --level authorised --purpose 贷款审批 --token-file centre.token
expect_rc 11 "another kind of record"
expect_err "does not cover penalty records" "says the kind"
run credit consent add --subject "$USCC" --purpose 贷款审批 --scope license,penalty --until 2026-12-31 \
  --evidence auth.pdf --token-file desk.token -q
run credit query --uscc "$USCC" --level authorised --purpose 贷款审批 --count --token-file centre.token
expect_rc 0 "covered once the kind is in scope"

# --- expired, then revoked ---
CREDIT_NOW=2027-01-01T10:00:00+08:00 ask "贷款审批"
expect_rc 11 "after its last day"
expect_err "it ended on 2026-12-31" "says it ended"
run credit consent revoke "$C1" --reason "主体撤回授权" --token-file desk.token
expect_rc 0 "revoked"
ask "贷款审批"
expect_rc 11 "revoked authorisation"
expect_err "it was revoked" "says it was revoked"
run credit consent revoke "$C1" --token-file desk.token
expect_rc 7 "revoking twice"

# --- list: masked, with state; auditors read, viewers do not ---
run credit consent list --subject "$IDNUM" --format json --token-file aud.token
expect_rc 0 "an auditor lists"
expect_eq "$(json_get .0.status <<<"$OUT")" "revoked" "state shown"
expect_eq "$(json_get .0.subject <<<"$OUT")" "${IDNUM:0:4}**********${IDNUM:14:4}" "listed masked"
run credit consent list --token-file viewer.token
expect_rc 5 "a viewer may not list authorisations"
run credit consent list --token-file centre.token
expect_out "贷款审批" "the centre lists every authorisation"

# --- audited, never the ID number in clear, and the chain verifies ---
for action in consent.add consent.revoke consent.list query.run record.show; do
  [[ -n "$(q "select 1 from audit_log where action = '$action'")" ]] && pass || fail "no $action entry"
done
[[ "$(q "select count(*) from audit_log where outcome = 'failed' and reason like '%consent.required%'")" -ge 6 ]] &&
  pass || fail "the refusals are in the audit log"
[[ -n "$(q "select 1 from audit_log where action = 'consent.add' and params like '%$DIGEST%'")" ]] &&
  pass || fail "the evidence digest is in the audit entry"
[[ -z "$(q "select 1 from audit_log where params like '%$IDNUM%' or reason like '%$IDNUM%' or targets like '%$IDNUM%'")" ]] &&
  pass || fail "an ID number in clear in the audit log"
run credit audit verify --token-file aud.token
expect_rc 0 "audit verify"
finish
