#!/usr/bin/env bash
# Credit repair and objections end to end: import → publish → repair submit (refusals exit 11
# naming the rule and the date it lifts) → approve (final at once under national-2026) → publish
# withdraws it; under dandong-2019: a 5-working-day public notice across the 2025 National Day
# holiday (make-up Saturday 10-11 counts), an objection sending one back to review, purge-expired
# finalising the other only after the notice's last day, the count and same-kind limits, overdue
# decisions; objections filed, upheld (correction with before/after, revocation) and dismissed.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
OTHER=91350100M000100Y43
# E, F, G are decided and published in March (Dandong counts its 6 months from the first
# publication, Art. 9(1)); the rest in September.
export CREDIT_NOW=2025-03-20T10:00:00+08:00
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token opx operator $OTHER
add_user s.db admin.token revx reviewer $OTHER
add_user s.db admin.token pub publisher
add_user s.db admin.token aud auditor
add_user s.db admin.token view viewer
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q
q() { sqlite3 s.db "$1"; }
rid() { q "select id from records where document_number = '京市监罚〔2025〕$1号'"; }
# The line of a release file about a record: line_of FILE ID → its JSON.
line_of() {
  python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    if str(o["id"]) == sys.argv[2]:
        print(line.strip())
' "$1" "$2"
}

# Penalty rows by hand: DOC|USCC|decided|category|fine[|违法行为类型]
penalties() {
  ROWS=$(cat) python3 - "$1" "$DEPT" <<'PY'
import csv, os, sys
out, dept = sys.argv[1], sys.argv[2]
head = ["行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "法定代表人证件类型",
        "法定代表人证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别",
        "处罚内容", "罚款金额(万元)", "处罚决定日期", "处罚有效期", "处罚机关",
        "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码"]
rows = [head]
for line in os.environ["ROWS"].split("\n"):
    if line.strip():
        doc, code, decided, category, fine, *kind = line.split("|")
        rows.append([f"企业{doc}", "法人及非法人组织", code, "王建国", "身份证", "110105195001010039",
                     f"京市监罚〔2025〕{doc}号", kind[0] if kind else "违反广告管理规定", "发布虚假广告",
                     "《中华人民共和国广告法》第五十五条", category, f"{category}{fine}万元", fine,
                     decided, "2026-12-31", "北京市市场监督管理局", dept, "北京市市场监督管理局", dept])
with open(out, "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows(rows)
PY
}
# A, E, G: one subject (A of another kind of behaviour); B, F another. C is severe (production
# suspended).
penalties march.csv <<'ROWS'
4|91110000600037341L|2025-03-10|罚款|1
5|91350100M000100Y43|2025-03-12|罚款|1
6|91110000600037341L|2025-03-15|罚款|1
ROWS
credit import march.csv --kind penalty --token-file op.token -q
mkdir rel
run credit publish --out rel --token-file pub.token --format json
expect_rc 0 "March publish"
export CREDIT_NOW=2025-09-29T10:00:00+08:00  # a Monday
penalties first.csv <<'ROWS'
1|91110000600037341L|2025-06-10|罚款|1|违反价格管理规定
2|91350100M000100Y43|2025-09-26|罚款|1
3|121200004013590816|2024-06-10|责令停产停业|
7|91350100M000100Y43|2025-08-01|罚款|2
ROWS
credit import first.csv --kind penalty --token-file op.token -q
A=$(rid 1) B=$(rid 2) C=$(rid 3) E=$(rid 4) F=$(rid 5) G=$(rid 6) H=$(rid 7)
expect_eq "$(q "select severity from records where id = $C")" "severe" "C is severe"
run credit publish --out rel --token-file pub.token --format json
expect_rc 0 "first publish"
expect_eq "$(q "select count(*) from records where status = 'published'")" "7" "all published"
penalties late.csv <<'ROWS'
8|91110000600037341L|2025-09-28|罚款|1
ROWS
credit import late.csv --kind penalty --token-file op.token -q
I=$(rid 8)

# Evidence files, in real formats' first bytes.
printf '%%PDF-1.7\n信用承诺书\n' >c.pdf
printf '%%PDF-1.7\n整改材料\n' >r.pdf
printf '\x89PNG\r\n\x1a\n培训证明' >t.png
printf '%%PDF-1.7\n信用报告\n' >rep.pdf
printf '%%PDF-1.7\n约谈记录\n' >i.pdf
export CREDIT_TOKEN_FILE=op.token

# --- refusals under national-2026 ---
run credit repair submit "$B" --commitment c.pdf --rectification r.pdf
expect_rc 11 "B: minimum period not elapsed"
expect_err "national-2026/periods.penalty.general.min" "B: names the rule"
expect_err "allowed from 2025-12-26" "B: names the date"
run credit repair submit "$A" --commitment c.pdf
expect_rc 11 "A: no proof of rectification"
expect_err "national-2026/repair.evidence.rectification" "A: names the evidence rule"
# Order 36 asks a severe case for commitment and rectification only: nothing about training or a
# credit report, and such files are not requirements of the profile.
run credit repair submit "$C" --commitment c.pdf
expect_rc 11 "C: severe case without proof of rectification"
expect_err "national-2026/repair.evidence.rectification" "C: the rectification rule"
if grep -qE 'training|credit_report' <<<"$ERR"; then fail "C: national-2026 asks for no training or report"; else pass; fi
run credit repair submit "$C" --commitment c.pdf --rectification r.pdf --training t.png \
  --training-hours 3
expect_rc 3 "C: a training certificate is not a national-2026 requirement"
expect_err "not a requirement of policy national-2026" "C: names the profile"
run credit repair submit "$I" --commitment c.pdf --rectification r.pdf --format json
expect_rc 11 "I: not published yet"
expect_err "repair/record.published" "I: record state rule"
run credit repair submit "$A" --commitment c.pdf --rectification r.pdf --token-file opx.token
expect_rc 5 "another department's operator"
run credit repair submit "$A" --commitment c.pdf --rectification r.pdf --token-file view.token
expect_rc 5 "a viewer may not submit"
run credit repair submit "$A" --commitment c.pdf --rectification r.pdf --evidence bogus=c.pdf
expect_rc 3 "unknown evidence requirement"
expect_eq "$(q 'select count(*) from repair_applications') $(q 'select count(*) from evidence_blobs')" \
  "0 0" "refusals leave nothing behind"

# --- A: accepted, approved, final at once (national-2026 has no notice) ---
run credit repair submit "$A" --commitment c.pdf --rectification r.pdf --note '已缴清罚款' --format json
expect_rc 0 "A submitted"
APP_A=$(json_get .application <<<"$OUT")
expect_eq "$(json_get .status <<<"$OUT")" "submitted" "A: status"
expect_eq "$(json_get .decision_deadline <<<"$OUT")" "2025-10-20" "A: 10 working days across 国庆"
expect_eq "$(json_get .evidence.0.sha256 <<<"$OUT")" "$(sha256sum c.pdf | cut -d' ' -f1)" "digest"
expect_eq "$(json_get .evidence.0.type <<<"$OUT")" "application/pdf" "type sniffed"
expect_eq "$(q "select status, under_repair from records where id = $A")" "published|1" \
  "A flagged under_repair, still published"
run credit repair submit "$A" --commitment c.pdf --rectification r.pdf
expect_rc 11 "a second application for A"
expect_err "repair/record.no_open_application" "names the open application"
run credit repair approve "$APP_A" --token-file op.token
expect_rc 5 "an operator may not approve"
run credit repair approve "$APP_A" --token-file revx.token
expect_rc 5 "another department's reviewer may not approve"
run credit repair approve "$APP_A" --decision-number '京市监信修〔2025〕1号' --token-file rev.token \
  --format json
expect_rc 0 "A approved"
expect_eq "$(json_get .status <<<"$OUT")" "completed" "A final on approval"
expect_eq "$(q "select status, archived, withdrawn_on, under_repair from records where id = $A")" \
  "repaired|1|2025-09-29|0" "A repaired, withdrawn and archived"
expect_out "national-2026/periods.penalty.general.min" "approval names the allowing rule"
expect_eq "$(q "select count(*) from record_versions where record_id = $A and change = 'repair' \
  and reason like '%京市监信修〔2025〕1号%'")" "1" "history keeps the decision number"
run credit repair approve "$APP_A" --token-file rev.token
expect_rc 7 "decided already"
run credit publish --out rel --token-file pub.token
expect_rc 0 "second publish"
expect_eq "$(json_get .reason <<<"$(line_of rel/release-000003/withdraw.ndjson "$A")")" "repaired" \
  "the publish withdraws A"

# --- dandong-2019: public notice, objections, limits ---
credit policy set dandong-2019 --token-file admin.token -q
dd_submit() {  # dd_submit RECORD [options…]: everything Dandong asks for
  local rec=$1
  shift
  run credit repair submit "$rec" --commitment c.pdf --rectification r.pdf --training t.png \
    --training-hours 3 --credit-report rep.pdf --credit-report-date 2025-09-20 \
    --evidence interview=i.pdf --format json "$@"
}
dd_submit "$E"
expect_rc 0 "E submitted"
APP_E=$(json_get .application <<<"$OUT")
dd_submit "$F"
expect_rc 0 "F submitted"
APP_F=$(json_get .application <<<"$OUT")
run credit repair submit "$G" --commitment c.pdf --rectification r.pdf
expect_rc 11 "Dandong asks for more evidence"
expect_err "dandong-2019/repair.evidence.interview" "interview record required"

export CREDIT_NOW=2025-09-30T10:00:00+08:00
export CREDIT_TOKEN_FILE=rev.token
run credit repair approve "$APP_E" --format json
expect_rc 0 "E approved"
expect_eq "$(json_get .status <<<"$OUT")" "in_notice" "E in notice"
# 5 working days after Tue 09-30: 10-09, 10-10, Sat 10-11 (make-up), 10-13, 10-14.
expect_eq "$(json_get .notice_end <<<"$OUT")" "2025-10-14" "notice across the holiday"
expect_eq "$(json_get .notice_rule <<<"$OUT")" "dandong-2019/repair.notice" "notice rule"
run credit repair approve "$APP_F"
expect_rc 0 "F approved"
expect_out "public notice until 2025-10-14" "table output names the notice end"

# --- objections (dandong: verify within 3 working days) ---
export CREDIT_TOKEN_FILE=op.token
printf '%%PDF-1.7\n异议材料\n' >o.pdf
run credit objection file "$C" --reason '违法事实表述有误' --evidence o.pdf --format json
expect_rc 0 "objection to C"
OBJ1=$(json_get .objection <<<"$OUT")
expect_eq "$(json_get .deadline <<<"$OUT")" "2025-10-11" "3 working days: 10-09, 10-10, Sat 10-11"
expect_eq "$(q "select disputed from records where id = $C")" "1" "C disputed"
run credit objection file "$C" --reason 'again'
expect_rc 7 "one open objection per record"
run credit repair submit "$C" --commitment c.pdf
expect_rc 11 "no repair while disputed"
expect_err "repair/record.not_disputed" "names the dispute"
run credit objection resolve "$OBJ1" --uphold --set 违法事实=发布引人误解的广告 --reason '核实'
expect_rc 5 "an operator may not resolve"
run credit objection resolve "$OBJ1" --uphold --reason '核实' --token-file rev.token
expect_rc 2 "upheld needs --set or --revoke"
run credit objection resolve "$OBJ1" --uphold --dismiss --reason 'x' --token-file rev.token
expect_rc 2 "uphold and dismiss exclude each other"
run credit objection resolve "$OBJ1" --uphold --set 违法事实=发布引人误解的广告 \
  --reason '核实：决定书原文为引人误解的广告' --token-file rev.token --format json
expect_rc 0 "objection upheld with a correction"
expect_eq "$(json_get .outcome <<<"$OUT")" "corrected" "corrected"
expect_eq "$(json_get .changes.0.before <<<"$OUT")|$(json_get .changes.0.after <<<"$OUT")" \
  "发布虚假广告|发布引人误解的广告" "before and after"
expect_eq "$(q "select disputed, status, json_extract(data, '$.CF_SY') from records where id = $C")" \
  "0|published|发布引人误解的广告" "C corrected, no longer disputed"
run credit record show "$C" --purpose 核查 --token-file rev.token
expect_out "违法事实: 发布虚假广告 → 发布引人误解的广告" "record history shows the correction"
run credit objection file "$C" --reason '仍有异议' --format json
OBJ2=$(json_get .objection <<<"$OUT")
run credit objection resolve "$OBJ2" --dismiss --reason '核实无误' --token-file rev.token
expect_rc 0 "objection dismissed"
expect_eq "$(q "select disputed from records where id = $C")" "0" "flag cleared"
expect_eq "$(q "select status, outcome from objections where id = $OBJ2")" "dismissed|dismissed" \
  "dismissal recorded"
run credit objection file "$H" --reason '处罚决定已被行政复议撤销' --format json
OBJ3=$(json_get .objection <<<"$OUT")
run credit objection resolve "$OBJ3" --uphold --revoke --reason '复议决定撤销' --token-file rev.token
expect_rc 0 "objection upheld: revoke"
expect_eq "$(q "select status, disputed from records where id = $H")" "revoked|0" "H revoked"
run credit objection file "$B" --reason '主体名称有误'
expect_rc 0 "objection to B"

# --- an objection during the notice sends F back to review ---
export CREDIT_NOW=2025-10-09T10:00:00+08:00
run credit repair object "$APP_F" --reason '群众举报：仍在发布虚假广告' --format json
expect_rc 0 "F objected"
expect_eq "$(json_get .status <<<"$OUT")" "submitted" "F back to review"
expect_eq "$(json_get .decision_deadline <<<"$OUT")" "2025-10-22" "a new decision deadline"

export CREDIT_NOW=2025-10-14T10:00:00+08:00
run credit objection list --overdue --format json
expect_eq "$(json_get .0.record <<<"$OUT")" "$B" "B's objection is overdue (deadline 10-11)"
run credit purge-expired --token-file pub.token --format json
expect_eq "$(json_get .repairs_finalised <<<"$OUT")" "0" "E's notice runs through 10-14"
expect_eq "$(q "select status from repair_applications where id = $APP_E")" "in_notice" "E waits"

export CREDIT_NOW=2025-10-15T10:00:00+08:00
run credit repair object "$APP_E" --reason 'too late'
expect_rc 7 "the notice has ended"
run credit purge-expired --token-file pub.token --format json --dry-run
expect_eq "$(json_get .repairs_finalised <<<"$OUT")" "1" "dry run counts E"
expect_eq "$(q "select status from records where id = $E")" "published" "dry run changes nothing"
run credit purge-expired --token-file pub.token --format json
expect_eq "$(json_get .repairs_finalised <<<"$OUT")" "1" "E finalised"
expect_eq "$(q "select status, archived, under_repair from records where id = $E")" "repaired|1|0" \
  "E repaired and archived"
run credit purge-expired --token-file pub.token --format json
expect_eq "$(json_get .repairs_finalised <<<"$OUT")" "0" "nothing twice"

# G: the subject has two repairs (A 09-29, E 09-30) and one of the same kind.
dd_submit "$G"
expect_rc 11 "G: limits"
expect_err "dandong-2019/repair.max_repairs" "count limit"
expect_err "dandong-2019/repair.same_kind_cooldown" "same-kind limit"
expect_err "allowed from 2028-09-30" "the later of the two dates"

run credit publish --out rel --token-file pub.token
expect_rc 0 "third publish"
R3=rel/release-000004
expect_eq "$(json_get .reason <<<"$(line_of $R3/withdraw.ndjson "$E")")" "repaired" "E withdrawn"
expect_eq "$(json_get .reason <<<"$(line_of $R3/withdraw.ndjson "$H")")" "revoked" "H withdrawn"
expect_eq "$(json_get .under_repair <<<"$(line_of $R3/upsert.ndjson "$F")")" "true" "F marked"

# --- lists, show, overdue, reject ---
export CREDIT_NOW=2025-10-23T10:00:00+08:00
run credit repair list --overdue --format json
expect_eq "$(json_get .0.application <<<"$OUT")" "$APP_F" "F is overdue (due 10-22)"
run credit report compliance --from 2025-09-01 --to 2025-10-31 --token-file aud.token --format json
expect_rc 0 "compliance report with repairs and objections"
report_figure() { python3 -c '
import json, sys
doc = json.load(sys.stdin)
s = next(s for s in doc["sections"] if s["id"] == sys.argv[1])
print(next(r["value"] for r in s["rows"] if r["metric"] == sys.argv[2]))' "$1" "$2" <<<"$OUT"; }
expect_eq "$(report_figure repairs filed)" "$(q "select count(*) from repair_applications")" "report: repairs filed"
expect_eq "$(report_figure repairs overdue)" \
  "$(q "select count(*) from repair_applications where decided_on is null and decision_deadline < '2025-10-23'")" \
  "report: F overdue"
expect_eq "$(report_figure objections filed)" "$(q "select count(*) from objections")" "report: objections filed"
expect_eq "$(report_figure objections overdue)" \
  "$(q "select count(*) from objections where resolved_on is null and deadline < '2025-10-23'")" \
  "report: B's objection overdue"
run credit repair list --token-file aud.token --format json
expect_rc 0 "the auditor reads"
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$OUT")" "3" \
  "three applications"
run credit repair list --token-file view.token
expect_rc 5 "a viewer may not"
run credit repair list --token-file opx.token --format json
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$OUT")" "0" \
  "another department sees none"
run credit repair show "$APP_E" --format json
expect_eq "$(json_get .timeline <<<"$OUT" | python3 -c \
  'import json,sys; print(" ".join(e["event"] for e in json.load(sys.stdin)))')" \
  "submitted accepted notice decided completed" \
  "E's timeline: accepted (Dandong Art. 12(5)), decided after the notice (Art. 12(7))"
expect_eq "$(json_get .evidence <<<"$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
  "5" "five evidence files"
run credit repair show "$APP_E"
expect_out "interview +i.pdf" "table shows the evidence"
run credit repair reject "$APP_F" --reason '仍在违法' --token-file rev.token
expect_rc 0 "F rejected"
expect_eq "$(q "select under_repair, status from records where id = $F")" "0|published" \
  "F no longer marked"

run credit audit verify --token-file aud.token
expect_rc 0 "the audit chain holds"
expect_eq "$(q "select count(*) from audit_log where action = 'repair.submit' and outcome = 'failed' \
  and reason like '%national-2026/periods.penalty.general.min%2025-12-26%'")" "1" \
  "the refusal is audited with its rule and date"
finish
