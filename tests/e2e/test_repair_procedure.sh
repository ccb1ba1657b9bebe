#!/usr/bin/env bash
# The repair procedure to the letter of the Dandong regulation (issue 13), end to end with real
# codes:
# - Art. 12(5): approval is the recorded decision to accept (是否同意受理), under its rule;
# - Art. 12(7): the decision number is issued after the notice, and the record is withdrawn
#   within 1 working day of the decision; `report compliance` counts the late ones;
# - Art. 12(6): releases carry the notice of the proposed repair (拟信用修复公示) with its last
#   day, and withdraw it when it ends or the repair is decided;
# - Art. 17: a repair obtained by not truthfully stating the facts is annulled by a reviewer; the
#   record gets back its state and publication, the finding is kept, audited and in the history.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2026-06-01T10:00:00+08:00  # a Monday
department_store $DEPT
add_user s.db admin.token rev2 reviewer $DEPT
add_user s.db admin.token aud auditor
credit policy set dandong-2019 --token-file admin.token -q
q() { sqlite3 s.db "$1"; }
rid() { q "select id from records where document_number = '丹市监罚〔2025〕$1号'"; }
source "$CREDIT_SOURCE_DIR/tests/e2e/dandong_repair.sh"  # penalties, dd_evidence, dd_submit

penalties rows.csv <<'ROWS'
1|31|2026-05-20|罚款|1|违反价格管理规定|《中华人民共和国价格法》第四十二条|未明码标价
2|32|2026-05-20|罚款|1|违反价格管理规定|《中华人民共和国价格法》第四十二条|未明码标价
ROWS
credit import rows.csv --kind penalty --token-file op.token -q
R1=$(rid 1)
R2=$(rid 2)
mkdir rel
run credit publish --out rel --token-file pub.token
expect_rc 0 "first publication on 2026-06-01"

# --- Art. 12(5): approval is the decision to accept; Art. 12(7): no number before the notice ---
export CREDIT_NOW=2026-12-01T10:00:00+08:00  # a Tuesday
dd_evidence
dd_submit "$R1" --token-file op.token
expect_rc 0 "repair of record 1 accepted for review"
APP1=$(json_get .application <<<"$OUT")
dd_submit "$R2" --token-file op.token
APP2=$(json_get .application <<<"$OUT")
run credit repair approve "$APP1" --decision-number '丹市监信修〔2026〕1号' --token-file rev.token
expect_rc 11 "no decision number before the notice"
expect_err "dandong-2019/repair.decision_after_notice" "names Art. 12(7)'s rule"
run credit repair approve "$APP1" --token-file rev.token --format json
expect_rc 0 "approved: the decision to accept"
expect_eq "$(json_get .acceptance_rule <<<"$OUT")" "dandong-2019/repair.acceptance" \
  "the acceptance decision's rule"
expect_eq "$(json_get .decision_number <<<"$OUT")" "null" "no number yet"
expect_eq "$(json_get .notice_end <<<"$OUT")" "2026-12-08" "5 working days of notice"
expect_eq "$(q "select event from repair_events where application_id = $APP1 order by id")" \
  "submitted
accepted
notice" "timeline: submitted, accepted, notice"
run credit repair show "$APP1" --token-file rev.token
expect_out "accepted +2026-12-01 by rev \(同意受理\) \[dandong-2019/repair.acceptance\]" \
  "show: the recorded acceptance"
# Art. 12(6): the next release carries the notice.
latest() { ls -d rel/release-* | tail -1; }
notice_of() { grep "\"application\":\"$2\"" "$1/repair_notices.ndjson"; }
run credit publish --out rel --token-file pub.token
expect_rc 0 "release of 12-01"
N=$(notice_of "$(latest)" "$APP1")
expect_eq "$(json_get .op <<<"$N") $(json_get .title <<<"$N")" "notice 拟信用修复公示" "the notice"
expect_eq "$(json_get .notice_end <<<"$N")" "2026-12-08" "with its last day"
expect_eq "$(json_get .subject_name <<<"$N") $(json_get .rule <<<"$N")" \
  "丹东企业31 dandong-2019/repair.notice" "who, under which rule"
expect_eq "$(json_get .counts.notice <$(latest)/manifest.json)" "1" "manifest counts it"
expect_eq "$(q "select notice_on_portal from repair_applications where id = $APP1")" "1" \
  "on the portal once delivered"
export CREDIT_NOW=2026-12-02T10:00:00+08:00
run credit repair approve "$APP2" --token-file rev.token
expect_out "accepted: 同意受理 \[dandong-2019/repair.acceptance\]" "table: the acceptance"
expect_out "issued when the notice ends \[dandong-2019/repair.decision_after_notice\]" \
  "table: the number comes later"
run credit publish --out rel --token-file pub.token
expect_eq "$(wc -l <$(latest)/repair_notices.ndjson)" "1" "APP1's notice is not sent again"
expect_eq "$(json_get .op <<<"$(notice_of "$(latest)" "$APP2")")" "notice" "APP2's notice"

# Record 1's notice ends Tue 12-08: final on 12-09 with its number, withdrawn the same day (1
# working day allowed: on time). Record 2's ends 12-09: final on 12-10, withdrawn on Mon 12-14
# (due Fri 12-11: late).
export CREDIT_NOW=2026-12-09T10:00:00+08:00
run credit publish --out rel --token-file pub.token
expect_eq "$(notice_of "$(latest)" "$APP1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["op"], d["reason"])')" \
  "withdraw_notice ended" "the notice withdrawn when it ended"
expect_eq "$(q "select notice_on_portal from repair_applications where id = $APP1")" "0" \
  "off the portal"
credit purge-expired --token-file pub.token -q
expect_eq "$(q "select decision_number, processing_deadline, processing_rule, processed_on is null \
  from repair_applications where id = $APP1")" \
  "信用修复-2026-12-09-$APP1|2026-12-10|dandong-2019/repair.withdrawal|1" \
  "the number after the notice, withdrawal due within 1 working day"
expect_eq "$(q "select event from repair_events where application_id = $APP1 order by id desc limit 2")" \
  "completed
decided" "timeline: decided, completed"
run credit publish --out rel --token-file pub.token
expect_eq "$(q "select processed_on from repair_applications where id = $APP1")" "2026-12-09" \
  "record 1 withdrawn by the release of 12-09"
export CREDIT_NOW=2026-12-10T10:00:00+08:00
credit purge-expired --token-file pub.token -q
expect_eq "$(q "select status, processing_deadline from repair_applications where id = $APP2")" \
  "completed|2026-12-11" "record 2 final on 12-10, to be withdrawn by 12-11"
export CREDIT_NOW=2026-12-14T10:00:00+08:00
run credit repair show "$APP2" --token-file rev.token
expect_out "withdraw by +2026-12-11 +\[dandong-2019/repair.withdrawal\] +not yet withdrawn" \
  "show: the withdrawal is overdue"
report_figure() { python3 -c '
import json, sys
doc = json.load(sys.stdin)
s = next(s for s in doc["sections"] if s["id"] == sys.argv[1])
print(next(r["value"] for r in s["rows"] if r["metric"] == sys.argv[2]))' "$1" "$2" <<<"$OUT"; }
run credit report compliance --from 2026-12-01 --to 2026-12-31 --token-file aud.token --format json
expect_eq "$(report_figure repair_processing on_time)" "1" "report: record 1 withdrawn on time"
expect_eq "$(report_figure repair_processing overdue)" "1" "report: record 2 overdue"
run credit publish --out rel --token-file pub.token
expect_eq "$(q "select processed_on from repair_applications where id = $APP2")" "2026-12-14" \
  "record 2 withdrawn on 12-14"
expect_eq "$(notice_of "$(latest)" "$APP2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["op"], d["reason"])')" \
  "withdraw_notice completed" "the notice withdrawn when the repair was decided"
run credit report compliance --from 2026-12-01 --to 2026-12-31 --token-file aud.token --format json
expect_eq "$(report_figure repair_processing late)" "1" "report: record 2 withdrawn late"
expect_eq "$(report_figure repair_processing on_time)" "1" "report: record 1 still on time"

# --- Art. 17: annulled ---
expect_eq "$(q "select status, archived, under_repair from records where id = $R1")" \
  "repaired|1|0" "record 1 repaired, withdrawn and archived"
run credit repair annul "$APP1" --token-file op.token
expect_rc 2 "annul needs the finding as --reason"
run credit repair annul "$APP1" --reason '整改证明系伪造' --token-file op.token
expect_rc 5 "an operator may not annul"
run credit repair annul "$APP1" --reason '整改证明系伪造（核查报告2026-15号）' --token-file rev2.token \
  --format json
expect_rc 0 "a reviewer of the deciding authority annuls it"
expect_eq "$(json_get .status <<<"$OUT")" "annulled" "status annulled"
expect_eq "$(json_get .record_status <<<"$OUT")" "published" "restored to published"
expect_eq "$(json_get .rule <<<"$OUT")" "dandong-2019/repair.annulment" "names the rule"
expect_out "第十七条" "cites Art. 17"
expect_eq "$(q "select status, archived, under_repair, withdrawn_on is null from records \
  where id = $R1")" "published|0|0|1" "the record's previous state is back"
run credit repair annul "$APP1" --reason '再次' --token-file rev2.token
expect_rc 7 "annulled once only"
expect_err "was annulled on 2026-12-14" "says when"
run credit repair show "$APP1" --token-file rev.token
expect_out "annulled +2026-12-14 by rev2: 整改证明系伪造（核查报告2026-15号）" "show: the finding"
expect_out "annulled .*record $R1 restored to published" "show: the timeline"
run credit repair list --status annulled --token-file rev.token --format json
expect_eq "$(json_get .0.application <<<"$OUT")" "$APP1" "list --status annulled"
run credit record show "$R1" --token-file rev.token --purpose "信用修复审查 2026-103" --format json
expect_out "repair_annulled" "record history: the annulment"
expect_out "整改证明系伪造（核查报告2026-15号）" "record history: the finding"
expect_eq "$(q "select count(*) from audit_log where action = 'repair.annul' and outcome = 'ok' \
  and reason like '%核查报告2026-15号%'")" "1" "audited with the finding"
# The next release publishes it again.
run credit publish --out rel --token-file pub.token --format json
expect_rc 0 "published again"
expect_eq "$(q "select portal_version = version from records where id = $R1")" "1" \
  "back on the portal"
# A profile without an annulment rule annuls nothing.
credit policy set national-2026 --token-file admin.token -q
run credit repair annul "$APP2" --reason x --token-file rev2.token
expect_rc 11 "national-2026 has no annulment rule"
expect_err "repair.annulment" "names the missing rule"
finish
