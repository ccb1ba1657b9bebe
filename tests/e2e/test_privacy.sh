#!/usr/bin/env bash
# Personal data in free text, end to end with the example of issue 12: a natural person's 违法事实
# holding an ID number, home address, phone number, health and religion, and a 备注 with another
# phone number and address. Import warns per field and kind of data (never the value) and
# --strict-privacy rejects; the portal release (delta and --full), another department's viewer
# (query and record show) and record show --explain see it screened; the own department sees it
# in clear; a profile without privacy rules cannot cut a release and withholds free text.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
OTHER=91110000600037341L
export CREDIT_NOW=2025-10-13T10:00:00+08:00
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token viewer viewer $OTHER
add_user s.db admin.token pub publisher
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q
q() { sqlite3 s.db "$1"; }

FACTS='张三（身份证号110105195001010039，住北京市朝阳区幸福路8号3单元201室，电话13912345678，患有糖尿病，信仰伊斯兰教）于2025年9月在京朝市监罚〔2025〕77号决定书送达后继续无证经营，罚款人民币5000元。'
NOTE='联系人手机 138 0013 8000，现住海淀区学院路12号楼3层'
SECRETS='110105195001010039|13912345678|13800138000|138 0013 8000|糖尿病|伊斯兰|201室|12号楼|张三'
python3 - "$DEPT" "$FACTS" "$NOTE" >rows.csv <<'PY'
import csv, sys
dept, facts, note = sys.argv[1:4]
w = csv.writer(sys.stdout)
w.writerow(["行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "证件类型", "证件号码",
            "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
            "罚款金额(万元)", "处罚决定日期", "处罚有效期", "处罚机关", "处罚机关统一社会信用代码",
            "数据来源单位", "数据来源单位统一社会信用代码", "备注"])
base = ["违反食品安全管理规定", "《中华人民共和国食品安全法》第一百二十二条", "罚款"]
w.writerow(["张三", "自然人", "", "", "身份证", "110105195001010039", "京朝市监罚〔2025〕123号"] + base[:1] +
           [facts] + base[1:] + ["罚款人民币5000元", "0.5", "2025-10-09", "2026-10-08",
            "北京市朝阳区市场监督管理局", dept, "北京市市场监督管理局", dept, note])
# near-misses only: nothing to warn about, nothing to mask
w.writerow(["北京甲食品有限公司", "法人及非法人组织", "91110000600037341L", "王建国", "", "",
            "京朝市监罚〔2025〕124号"] + base[:1] +
           ["经查，当事人（统一社会信用代码91110000600037341L）于2025-09-01至2025-09-30在北京市朝阳区经营病死猪肉，货值金额1,234,567元，依据京朝市监罚〔2025〕77号。"] +
           base[1:] + ["罚款人民币50000元", "5", "2025-10-09", "2026-10-08",
            "北京市朝阳区市场监督管理局", dept, "北京市市场监督管理局", dept, ""])
PY

# --- import: warned per field and kind, never the value; --strict-privacy rejects ---
run credit import rows.csv --kind penalty --strict-privacy --dry-run --token-file op.token
expect_rc 3 "--strict-privacy rejects the row"
expect_err "rows.csv:2:9 \(违法事实\): personal data in free text: 身份证件号码 \(id_number\), 电话号码 \(phone\), 详细地址 \(address\), 健康状况 \(health\), 宗教信仰 \(religion\)" "strict: the field and the kinds of data"
expect_err "Rejected \(--strict-privacy" "strict: says why"
grep -qE "$SECRETS" <<<"$ERR" && fail "strict: a value is shown" || pass
run credit import rows.csv --kind penalty --token-file op.token
expect_rc 0 "import commits with warnings"
expect_err "warning: rows.csv:2:9 \(违法事实\): personal data in free text: .*national-2026/privacy.id_number" "warning names the field and the rule"
expect_err "rows.csv:2:20 \(备注\): personal data in free text: 电话号码 \(phone\), 详细地址 \(address\)" "warning for 备注"
expect_eq "$(grep -c 'personal data' <<<"$ERR")" "2" "two warnings, none for the near-miss row"
grep -qE "$SECRETS" <<<"$ERR" && fail "import warning shows a value" || pass
P=$(q "select id from records where document_number = '京朝市监罚〔2025〕123号'")
N=$(q "select id from records where document_number = '京朝市监罚〔2025〕124号'")

# --- the portal release: screened, delta and --full ---
SCREENED='张\*（身份证号1101\*\*\*\*\*\*\*\*\*\*0039，住北京市朝阳区幸福路\*\*\*，电话139\*\*\*\*5678，【健康信息已屏蔽】，【宗教信息已屏蔽】）于2025年9月在京朝市监罚〔2025〕77号决定书送达后继续无证经营，罚款人民币5000元。'
check_release() {  # check_release DIR LABEL
  local line
  line=$(grep "\"id\":\"$P\"" "$1/upsert.ndjson")
  OUT=$line
  expect_out "\"CF_SY\":\"$SCREENED\"" "$2: 违法事实 screened"
  grep -qE "$SECRETS" "$1/upsert.ndjson" && fail "$2: personal data in the release" || pass
  OUT=$(grep "\"id\":\"$N\"" "$1/upsert.ndjson")
  expect_out "统一社会信用代码91110000600037341L）于2025-09-01至2025-09-30在北京市朝阳区经营病死猪肉，货值金额1,234,567元，依据京朝市监罚〔2025〕77号" "$2: near-misses untouched"
}
mkdir rel
run credit publish --out rel --token-file pub.token --format json
expect_rc 0 "publish"
check_release rel/release-000001 "delta release"
run credit publish --full --out rel --token-file pub.token --format json
expect_rc 0 "publish --full"
FULL=rel/$(ls rel | tail -1)
check_release "$FULL" "full release"

# --- another department's viewer: query and record show ---
run credit query --name 张三 --purpose '核查' --format json --token-file viewer.token
expect_rc 0 "viewer query"
grep -qE "$SECRETS" <<<"$OUT" && fail "viewer query shows personal data" || pass
expect_out '"subject_name":"张\*"' "viewer query: name masked"
run credit record show "$P" --format json --token-file viewer.token
expect_rc 0 "viewer record show"
grep -qE "$SECRETS" <<<"$OUT" && fail "viewer record show shows personal data" || pass
FIELDS=$(python3 -c 'import json,sys; print(json.dumps({f["code"]: f for f in json.load(sys.stdin)["fields"]}, ensure_ascii=False))' <<<"$OUT")
expect_eq "$(json_get .BZ.value <<<"$FIELDS")" "联系人手机 138****8000，现住海淀区学院路***" "viewer: 备注 screened"
expect_eq "$(json_get .BZ.masked_by <<<"$FIELDS")" '["national-2026/privacy.phone", "national-2026/privacy.address"]' "masked_by names the rules"
expect_eq "$(json_get .CF_XDR_ZJHM.masked_by <<<"$FIELDS")" '["national-2026/masking.id_number"]' "a structured field names its rule"
expect_eq "$(json_get .CF_WSH.masked_by <<<"$FIELDS")" '[]' "document number untouched"
run credit record show "$P" --explain --token-file viewer.token
expect_out "MASKED BY" "--explain adds the rules column"
expect_out "违法事实.*national-2026/privacy.subject_name national-2026/privacy.id_number" "--explain names the rules"
grep -qE "$SECRETS" <<<"$OUT" && fail "record show --explain shows personal data" || pass

# --- the own department sees it in clear ---
run credit record show "$P" --format json --token-file op.token
expect_rc 2 "own department in clear: a purpose is required"
expect_err "a purpose is required: record $P is at the public level and shown with personal data in clear" "says why"
run credit record show "$P" --purpose '复核处罚决定' --format json --token-file op.token
expect_out "患有糖尿病" "own department: clear"
expect_eq "$(json_get .masked <<<"$OUT")" "false" "own department: not masked"

# --- privacy scan: counts by kind of data and department, never the values ---
run credit privacy scan --format json --token-file op.token
expect_rc 0 "privacy scan"
expect_eq "$(json_get .scanned <<<"$OUT")" "2" "scan: both records of the department"
expect_eq "$(json_get .records_with_personal_data <<<"$OUT")" "1" "scan: one record holds personal data"
expect_eq "$(json_get .by_data.phone <<<"$OUT")" "1" "scan: counted by kind of data"
expect_eq "$(json_get .by_department.0.dept <<<"$OUT")" "$DEPT" "scan: by department"
expect_eq "$(json_get .records.0.id <<<"$OUT")" "$P" "scan: the record"
expect_eq "$(json_get .records.0.fields.1.code <<<"$OUT")" "BZ" "scan: the fields"
expect_eq "$(json_get .records.0.fields.1.data <<<"$OUT")" '["phone", "address"]' "scan: the kinds of data"
grep -qE "$SECRETS" <<<"$OUT" && fail "scan shows a value" || pass
run credit privacy scan --token-file op.token
expect_out "1 of 2 records at the public or shared level hold personal data" "scan (table)"
expect_out "违法事实 +id_number, phone, address, health, religion, name" "scan (table): kinds per field"
run credit privacy scan --format json --token-file viewer.token
expect_eq "$(json_get .scanned <<<"$OUT")" "0" "scan: another department's records are not its to follow up"
run credit privacy scan --token-file pub.token
expect_rc 5 "scan: the publisher may not read records"

# --- an amendment's audit entry holds free text screened, never in clear ---
credit record amend "$P" --set 备注='联系电话13700001111' --reason '补充' --token-file op.token -q
PARAMS=$(sqlite3 s.db "select params from audit_log where action = 'record.amend' order by seq desc limit 1")
grep -q '联系电话137\*\*\*\*1111' <<<"$PARAMS" && pass || fail "audit: the new 备注 screened: $PARAMS"
grep -qE "13700001111|13800138000|138 0013 8000" <<<"$PARAMS" && fail "audit: a phone number in clear" || pass

# --- archived records stop being shared; they never show as published ---
credit record revoke "$N" --reason '行政复议撤销' --token-file op.token -q
run credit query --uscc 91110000600037341L --include-archived --purpose '核查' --format json --token-file viewer.token
expect_eq "$OUT" "[]" "another department's viewer: revoked record not listed"
run credit query --uscc 91110000600037341L --include-archived --purpose '核查' --format json --token-file op.token
expect_eq "$(json_get .0.status <<<"$OUT")" "revoked" "its own department still lists it"
run credit record show "$N" --token-file viewer.token
expect_rc 5 "another department's viewer: no record show of a revoked record"
expect_err "no longer shared" "says why"
run credit record show "$N" --token-file op.token
expect_rc 2 "own department: the archive needs a purpose"
run credit record show "$N" --purpose '复议答复' --token-file op.token
expect_rc 0 "own department reads the archive with a purpose"
expect_out "published +no \(withdrawn: revoked" "never 'published yes'"
expect_eq "$(sqlite3 s.db "select reason from audit_log where action = 'record.show' and outcome = 'ok' order by seq desc limit 1")" "复议答复" "the purpose is registered"

# --- rejects: what the terminal, JSON, `import show`, the store and the audit log get of a rejected
# row is screened; the rejects file (back to the department that sent it) keeps its row as sent ---
python3 - <<'PY'
import csv
rows = list(csv.reader(open("rows.csv", encoding="utf-8", newline="")))
row = rows[1][:]
row[6] = "京朝市监罚〔2025〕125号"
row[8] = row[8] + "经查属实。" * 1000  # beyond the 5000 characters of 违法事实
csv.writer(open("long.csv", "w", encoding="utf-8", newline="")).writerows([rows[0], row])
PY
NUMBERS='110105195001010039|13912345678|幸福路8号|糖尿病|伊斯兰'
run credit import long.csv --kind penalty --rejects long.rejects.csv --format json --token-file op.token
expect_rc 3 "the over-long 违法事实 is rejected"
expect_err "rejected long.csv:2:9 \\(违法事实\\): '张\\*（身份证号1101\\*{10}0039.*longer than 5000 characters" "the reject shows the value screened"
grep -qE "$NUMBERS" <<<"$ERR$OUT" && fail "a reject message shows personal data" || pass
grep -q "110105195001010039" long.rejects.csv && pass || fail "the rejects file keeps the department's row"
B=$(q "select max(id) from import_batches")
run credit import show "$B" --format json --token-file op.token
expect_out "longer than 5000 characters" "import show lists the reject"
grep -qE "$NUMBERS" <<<"$OUT" && fail "import show shows personal data" || pass
[[ -z "$(q "select 1 from import_rejects where value like '%110105195001010039%' or value like '%13912345678%' or reason like '%13912345678%'")" ]] &&
  pass || fail "import_rejects keeps personal data in clear"
[[ -z "$(q "select 1 from audit_log where reason like '%13912345678%' or params like '%13912345678%' or reason like '%110105195001010039%' or params like '%110105195001010039%'")" ]] &&
  pass || fail "personal data in the audit log"

# --- a profile without privacy rules: no release, free text withheld ---
python3 - "$CREDIT_SOURCE_DIR/share/policy/national-2026.json" >old.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
del p["privacy"]
p["id"] = "old-profile"
json.dump(p, sys.stdout, ensure_ascii=False)
PY
credit policy set old.json --token-file admin.token -q
credit record amend "$P" --set 罚款金额=0.6 --set 处罚内容=罚款人民币6000元 --reason '更正' --token-file op.token -q
run credit publish --out rel --token-file pub.token
expect_rc 11 "no release without privacy rules"
expect_err "has no privacy rules" "says why"
run credit record show "$P" --format json --token-file viewer.token
expect_out "withheld: the policy profile has no privacy rules" "free text withheld"
grep -qE "$SECRETS" <<<"$OUT" && fail "withheld: personal data shown" || pass

finish
