#!/usr/bin/env bash
# The red list (守信激励名单 / 诚信典型, kind `red`, issue 13 item 10), with real codes:
# - imported by code headers, staged and approved, public, queried and published like the
#   dishonest list;
# - a subject with a severe penalty in publicity (or on an active dishonest list) is refused,
#   naming the record, its kind and severity and the rule red_list.refused_by;
# - a new severe penalty, or a dishonest listing, ends the subject's active red listing
#   (red_list.ended_by, the platform's policy choice);
# - a listing ends by its 有效期 through purge-expired, counted with the listings.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
A=91110000600037341L # red-listed, then a severe penalty ends it
B=91350100M000100Y43 # red-listed until 2026-06-30: expires
C=121200004013590816 # a severe penalty first: refused
D=91110105MA01ABCD13 # red-listed, then put on a dishonest list: ended
export CREDIT_NOW=2026-05-06T10:00:00+08:00
department_store $DEPT
credit import authorize --kind dishonest --until "$(authorize_until)" --token-file rev.token -q
add_user s.db admin.token viewer viewer
export CREDIT_TOKEN_FILE=op.token
q() { sqlite3 s.db "$1"; }

# red FILE CODE:NAME:UNTIL…: red-list rows by code headers.
red() {
  python3 - "$@" <<'PY'
import csv, sys
head = ["HM_ZTMC", "HM_ZTLB", "HM_SHXYM", "HM_FRDB", "HM_MDMC", "HM_WSH", "HM_RDYJ", "HM_JLCS",
        "HM_RDRQ", "HM_YXQ", "HM_RDBM", "HM_RDBMDM", "HM_SJLY", "HM_SJLYDM"]
rows = [head]
for n, spec in enumerate(sys.argv[2:], 1):
    code, name, until = spec.split(":")
    rows.append([name, "法人及非法人组织", code, "王伟", "守信激励名单", f"京市监守信〔2026〕{code[-4:]}号",
                 "《关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》",
                 "行政审批绿色通道、容缺受理", "2026-04-01", until, "北京市市场监督管理局",
                 "11110000000013127H", "北京市市场监督管理局", "11110000000013127H"])
csv.writer(open(sys.argv[1], "w", encoding="utf-8", newline="")).writerows(rows)
PY
}
# penalty FILE CODE DOC FINE: an organisation's penalty decided 2026-05-01.
penalty() {
  python3 - "$@" <<'PY'
import csv, sys
head = ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_FRDB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ",
        "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY",
        "CF_SJLYDM"]
f, code, doc, fine = sys.argv[1:]
row = ["某某有限公司", "法人及非法人组织", code, "李强", f"京市监罚〔2026〕{doc}号", "违反价格管理规定",
       "哄抬价格", "《中华人民共和国价格法》第四十条", "罚款", f"罚款{fine}万元", fine, "2026-05-01",
       "2029-05-01", "北京市市场监督管理局", "11110000000013127H", "北京市市场监督管理局",
       "11110000000013127H"]
csv.writer(open(f, "w", encoding="utf-8", newline="")).writerows([head, row])
PY
}

# --- a severe penalty for C, then the red list: staged, C refused, the others approved ---
penalty c.csv $C 1 120
run credit import c.csv --kind penalty --format json
expect_rc 0 "C's penalty imported"
expect_eq "$(q "select severity from records where uscc = '$C'")" "severe" "120万 is severe"
CPEN=$(q "select id from records where uscc = '$C'")
red red.csv "$A:北京华信餐饮管理有限公司:2026-12-31" "$B:福州闽信贸易有限公司:2026-06-30" \
  "$C:天津某事业单位:2026-12-31" "$D:北京守信科技有限公司:2026-12-31"
run credit import red.csv --kind red --skip-invalid --format json
expect_rc 0 "red list staged (no standing authorisation for red)"
expect_eq "$(json_get .status <<<"$OUT")" "staged" "staged"
expect_eq "$(json_get .accepted <<<"$OUT")" "3" "three rows accepted"
expect_err "rejected red.csv:4:[0-9]+ \(HM_SHXYM\): '$C': not accepted onto a red list: the subject has record $CPEN \(penalty, severity severe, 京市监罚〔2026〕1号" \
  "C refused, naming the record, its kind and severity"
expect_err "national-2026/red_list.refused_by" "and the rule"
BATCH=$(json_get .batch <<<"$OUT")
run credit import approve "$BATCH" --token-file rev.token --format json
expect_rc 0 "approved"
expect_eq "$(q "select count(*) from records where kind = 'red'")" "3" "three red listings"
expect_eq "$(q "select group_concat(distinct severity || '/' || disclosure || '/' || status) from records where kind = 'red'")" \
  "general/public/active" "public, fixed severity, active"
expect_eq "$(q "select publicity_until from records where kind = 'red' and uscc = '$B'")" "2026-06-30" \
  "listed until its 有效期"
expect_eq "$(q "select json_extract(data, '$.HM_JLCS') from records where uscc = '$A' and kind = 'red'")" \
  "行政审批绿色通道、容缺受理" "激励措施 kept"

# --- a dishonest listing of C is refused the same way; query and publish ---
run credit query --kind red --uscc $A --purpose 核查 --format ndjson --token-file viewer.token
expect_rc 0 "query --kind red"
expect_eq "$(json_get .kind <<<"$OUT")" "red" "the red listing found"
expect_eq "$(json_get .document_number <<<"$OUT")" "京市监守信〔2026〕341L号" "its document"
run credit query --kind 守信激励名单 --format ndjson --purpose 核查 --token-file viewer.token
expect_eq "$(grep -c . <<<"$OUT")" "3" "the Chinese kind name works"
mkdir rel
run credit publish --out rel --token-file pub.token --format json
expect_rc 0 "publish"
expect_eq "$(q "select count(*) from records where kind = 'red' and status = 'published'")" "3" \
  "the red listings published"
grep -rq "京市监守信〔2026〕341L号" rel && pass || fail "the release carries the red listing"
run credit query --kind red --level public --format ndjson --token-file viewer.token
expect_eq "$(grep -c . <<<"$OUT")" "3" "public level sees them"

# --- a severe penalty ends A's listing; a minor one would not ---
penalty a-minor.csv $A 2 0.1
run credit import a-minor.csv --kind penalty --format json
expect_rc 0 "a small fine for A"
expect_eq "$(q "select status from records where kind = 'red' and uscc = '$A'")" "published" \
  "a non-severe penalty ends nothing"
penalty a.csv $A 3 150
run credit import a.csv --kind penalty --format json
expect_rc 0 "a severe penalty for A"
expect_err "warning: a.csv:2:[0-9]+ \(CF_WSH\).*ends the subject's red listing record [0-9]+ \(京市监守信〔2026〕341L号\): national-2026/red_list.ended_by" \
  "the import says it ends A's red listing, naming the rule"
expect_eq "$(q "select status || '/' || archived || '/' || withdrawn_on from records where kind = 'red' and uscc = '$A'")" \
  "expired/1/2026-05-06" "A's listing ended today"
expect_eq "$(q "select reason from record_versions where change = 'red_list_end'")" \
  "ended by penalty 京市监罚〔2026〕3号 (national-2026/red_list.ended_by)" "its history says why"

# --- a dishonest listing ends D's red listing ---
python3 - <<'PY'
import csv
head = ["SX_ZTMC", "SX_ZTLB", "SX_SHXYM", "SX_FRDB", "SX_MDLB", "SX_WSH", "SX_SY", "SX_YJ", "SX_CJCS",
        "SX_YCTJ", "SX_JJCS", "SX_LRRQ", "SX_LRJG", "SX_LRJGDM", "SX_SJLY", "SX_SJLYDM"]
row = ["北京守信科技有限公司", "法人及非法人组织", "91110105MA01ABCD13", "赵六", "严重违法失信名单",
       "京市监列严〔2026〕9号", "提交虚假材料取得许可", "《市场监督管理严重违法失信名单管理办法》第九条",
       "限制参加政府采购", "列入满三年可申请移出", "可在六十日内申请行政复议", "2026-05-02",
       "北京市市场监督管理局", "11110000000013127H", "北京市市场监督管理局", "11110000000013127H"]
csv.writer(open("d.csv", "w", encoding="utf-8", newline="")).writerows([head, row])
PY
run credit import d.csv --kind dishonest --format json
expect_rc 0 "D listed as dishonest"
expect_eq "$(q "select status from records where kind = 'red' and uscc = '$D'")" "expired" \
  "the dishonest listing ended D's red listing"
red d-red.csv "$D:北京守信科技有限公司:2026-12-31"
sed -i 's/〔2026〕CD13号/〔2026〕CD13-2号/' d-red.csv
run credit import d-red.csv --kind red --dry-run
expect_rc 3 "D cannot be red-listed again while on the dishonest list"
expect_err "\(dishonest, severity severe, 京市监列严〔2026〕9号.*active dishonest list" "naming the listing"

# --- the check runs again at approval: E's severe penalty arrives while its listing is staged ---
E=91440300MA5FQX2K0H
red e.csv "$E:深圳诚信电子有限公司:2026-12-31"
run credit import e.csv --kind red --format json
expect_eq "$(json_get .status <<<"$OUT")" "staged" "E's listing staged"
EBATCH=$(json_get .batch <<<"$OUT")
penalty e-pen.csv $E 4 200
run credit import e-pen.csv --kind penalty --format json
expect_rc 0 "then a severe penalty for E"
run credit import approve "$EBATCH" --token-file rev.token --format json
expect_rc 7 "approval refuses the listing (the store changed since staging)"
expect_err "not accepted onto a red list: the subject has record [0-9]+ \(penalty, severity severe, 京市监罚〔2026〕4号" \
  "naming the penalty that arrived"
expect_eq "$(q "select count(*) from records where kind = 'red' and uscc = '$E'")" "0" "E not listed"

# --- the publication withdraws the ended listings; B expires by its 有效期 ---
run credit publish --out rel --token-file pub.token --format json
expect_eq "$(json_get .withdrawn <<<"$OUT")" "2" "the next release withdraws A's and D's listings"
run env CREDIT_NOW=2026-07-01T00:30:00+08:00 "$CREDIT_BIN" purge-expired --token-file pub.token --format json
expect_rc 0 "purge-expired"
expect_eq "$(json_get .listings_ended <<<"$OUT")" "1" "B's listing ended after 2026-06-30"
expect_eq "$(q "select status from records where kind = 'red' and uscc = '$B'")" "expired" "B expired"
expect_eq "$(q "select count(*) from record_versions where change = 'listing_end'")" "1" "with its history"
finish
