#!/usr/bin/env bash
# The repair procedure to the letter of the Dandong regulation (issue 13), end to end with real
# codes:
# - Art. 17: a repair obtained by not truthfully stating the facts is annulled by a reviewer; the
#   record gets back its state and publication, the finding is kept, audited and in the history.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2026-06-01T10:00:00+08:00  # a Monday
department_store $DEPT
add_user s.db admin.token rev2 reviewer $DEPT
credit policy set dandong-2019 --token-file admin.token -q
q() { sqlite3 s.db "$1"; }
rid() { q "select id from records where document_number = '丹市监罚〔2025〕$1号'"; }
source "$CREDIT_SOURCE_DIR/tests/e2e/dandong_repair.sh"  # penalties, dd_evidence, dd_submit

penalties rows.csv <<'ROWS'
1|31|2026-05-20|罚款|1|违反价格管理规定|《中华人民共和国价格法》第四十二条|未明码标价
ROWS
credit import rows.csv --kind penalty --token-file op.token -q
R1=$(rid 1)
mkdir rel
run credit publish --out rel --token-file pub.token
expect_rc 0 "first publication on 2026-06-01"

# A repair made final after its 5-working-day notice, and withdrawn from the portal.
export CREDIT_NOW=2026-12-01T10:00:00+08:00
dd_evidence
dd_submit "$R1" --token-file op.token
expect_rc 0 "repair of record 1 accepted"
APP1=$(json_get .application <<<"$OUT")
run credit repair approve "$APP1" --token-file rev.token
expect_rc 0 "approved: public notice"
export CREDIT_NOW=2026-12-15T10:00:00+08:00
credit purge-expired --token-file pub.token -q
run credit publish --out rel --token-file pub.token
expect_eq "$(q "select status, archived, under_repair from records where id = $R1")" \
  "repaired|1|0" "repaired, withdrawn and archived"
expect_eq "$(q "select portal_version is null from records where id = $R1")" "1" \
  "withdrawn from the portal"

# --- Art. 17: annulled ---
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
expect_err "was annulled on 2026-12-15" "says when"
run credit repair show "$APP1" --token-file rev.token
expect_out "annulled +2026-12-15 by rev2: 整改证明系伪造（核查报告2026-15号）" "show: the finding"
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
run credit repair annul "$APP1" --reason x --token-file rev2.token
expect_rc 11 "national-2026 has no annulment rule"
expect_err "repair.annulment" "names the missing rule"
finish
