#!/usr/bin/env bash
# Data checks that used to be silent (issue 13, item 9), on the real import path:
# - a 公示截止期 shorter than the profile's minimum period: corrected with a warning (national-2026)
#   or rejected naming the rule (dandong-2019);
# - a resident ID number whose birth date is in the future is rejected;
# - a natural person under 18 at the decision date is flagged for lenient handling (Gansu (十六)),
#   on import and in `record show`;
# - a dishonest-list entry without 救济措施 is rejected (Gansu (八)).
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2026-05-06T10:00:00+08:00
department_store $DEPT
credit import authorize --kind dishonest --until "$(authorize_until)" --token-file rev.token -q
export CREDIT_TOKEN_FILE=op.token
q() { sqlite3 s.db "$1"; }

# rows FILE KIND: JSON objects (one a line, by field code) on stdin → a CSV with code headers.
rows() {
  python3 -c '
import csv, json, sys
objs = [json.loads(l) for l in sys.stdin if l.strip()]
head = sorted({k for o in objs for k in o})
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(head)
    for o in objs:
        w.writerow([o.get(k, "") for k in head])
' "$1"
}
penalty() {  # penalty DOC EXTRA_JSON: an organisation's penalty decided 2026-03-02, with changes
  python3 -c '
import json, sys
row = {"CF_XDR_MC": "北京华信餐饮管理有限公司", "CF_XDR_LB": "法人及非法人组织",
       "CF_XDR_SHXYM": "91110000600037341L", "CF_FRDB": "王伟", "CF_WSH": f"京市监罚〔2026〕{sys.argv[1]}号",
       "CF_WFXW": "违反价格管理规定", "CF_SY": "未明码标价", "CF_YJ": "《中华人民共和国价格法》第四十二条",
       "CF_CFLB": "罚款", "CF_NR": "罚款1万元", "CF_NR_FK": "1", "CF_JDRQ": "2026-03-02",
       "CF_YXQ": "2027-03-02", "CF_CFJG": "北京市市场监督管理局", "CF_CFJGDM": sys.argv[3],
       "CF_SJLY": "北京市市场监督管理局", "CF_SJLYDM": sys.argv[3]}
for k, v in json.loads(sys.argv[2]).items():
    if v is None: row.pop(k, None)
    else: row[k] = v
print(json.dumps(row, ensure_ascii=False))' "$1" "$2" "$DEPT"
}
PERSON='"CF_XDR_MC": "张三", "CF_XDR_LB": "自然人", "CF_XDR_SHXYM": null, "CF_FRDB": null, "CF_XDR_ZJLX": "身份证", "CF_NR_FK": "0.1", "CF_NR": "罚款1000元"'

# --- 公示截止期 before the end of the minimum period ---
penalty 1 '{"CF_GSJZQ": "2026-04-30"}' | rows short.csv
run credit policy set dandong-2019 --token-file admin.token
run credit import short.csv --kind penalty --dry-run
expect_rc 3 "dandong-2019 rejects a 公示截止期 shorter than 6 months"
expect_err "rejected short.csv:2:[0-9]+ \(CF_GSJZQ\): '2026-04-30': 公示截止期 2026-04-30 is before the end of the 6-month minimum period, 2026-09-02" \
  "file, line, column, value and the minimum's end"
expect_err "dandong-2019/periods.explicit_end.below_minimum" "names the rule"
run credit policy set national-2026 --token-file admin.token
run credit import short.csv --kind penalty --format json
expect_rc 0 "national-2026 corrects it"
expect_err "corrected to 2026-06-02 \(national-2026/periods.explicit_end.below_minimum\)" "with a warning"
expect_eq "$(q "select publicity_until from records where document_number = '京市监罚〔2026〕1号'")" \
  "2026-06-02" "published until the end of the 3-month minimum"

# --- resident ID numbers and minors ---
{
  penalty 2 "{$PERSON, \"CF_XDR_ZJHM\": \"110105202701010016\"}"
  penalty 3 "{$PERSON, \"CF_XDR_ZJHM\": \"110105201005010018\"}"
} | rows people.csv
run credit import people.csv --kind penalty --skip-invalid --format json
expect_rc 0 "the valid person imported"
expect_err "rejected people.csv:2:[0-9]+ \(CF_XDR_ZJHM\).*birth date 2027-01-01 is in the future" \
  "a birth date in the future is rejected"
expect_err "warning: people.csv:3:[0-9]+ \(CF_XDR_ZJHM\).*under 18 on the decision date 2026-03-02 \(born 2010-05-01\)" \
  "a minor is flagged on import"
expect_eq "$(json_get .inserted <<<"$OUT")" "1" "one record"
MINOR=$(q "select id from records where document_number = '京市监罚〔2026〕3号'")
run credit record show "$MINOR" --token-file rev.token --purpose "信用修复审查 2026-101"
expect_out "lenient +yes +\[national-2026/lenient.under_age\]" "record show names the lenient rule"
expect_out "（十六）" "and its source"

# --- dishonest-list entries: 救济措施 required ---
python3 - <<'PY'
import csv
head = ["SX_ZTMC", "SX_ZTLB", "SX_SHXYM", "SX_FRDB", "SX_MDLB", "SX_WSH", "SX_SY", "SX_YJ", "SX_CJCS",
        "SX_YCTJ", "SX_JJCS", "SX_LRRQ", "SX_LRJG", "SX_LRJGDM", "SX_SJLY", "SX_SJLYDM"]
base = ["北京华信餐饮管理有限公司", "法人及非法人组织", "91110000600037341L", "王伟", "严重违法失信名单",
        "京市监列严〔2026〕{}号", "提交虚假材料取得许可", "《市场监督管理严重违法失信名单管理办法》第九条",
        "限制参加政府采购", "列入满三年可申请移出", "可在六十日内申请行政复议", "2026-02-01",
        "北京市市场监督管理局", "11110000000013127H", "北京市市场监督管理局", "11110000000013127H"]
rows = [head]
for n, remedy in [(1, True), (2, False)]:
    r = list(base)
    r[5] = r[5].format(n)
    if not remedy:
        r[10] = ""
    rows.append(r)
csv.writer(open("list.csv", "w", encoding="utf-8", newline="")).writerows(rows)
PY
run credit import list.csv --kind dishonest --skip-invalid --format json
expect_rc 0 "the entry with remedies imported"
expect_err "rejected list.csv:3:11 \(SX_JJCS\).*required \(甘信用办发〔2021〕5号（八）" \
  "an entry without 救济措施 is rejected, naming Gansu (八)"
expect_eq "$(json_get .inserted <<<"$OUT")" "1" "one entry"
finish
