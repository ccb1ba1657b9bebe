#!/usr/bin/env bash
# credit import: the formats and encodings real exports come in, headers in Chinese or codes, every
# class of rejected row with file/line/column/value/reason, the rejects file corrected and
# imported again.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2026-05-06T10:00:00+08:00
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
export CREDIT_TOKEN_FILE=op.token
credit import authorize --kind penalty --kind license --kind dishonest --until 2026-12-31 \
  --token-file rev.token -q
records() { sqlite3 s.db "select count(*) from records"; }
sample() { credit generate sample --dept $DEPT "$@"; }

# --- encodings: GBK, GB18030, UTF-8 with BOM, CRLF (the generator writes CRLF) ---
sample --rows 30 --seed 1 --encoding gbk >gbk.csv
iconv -f GB18030 -t UTF-8 gbk.csv >/dev/null && pass || fail "the GBK sample is GB18030"
if iconv -f UTF-8 -t UTF-8 gbk.csv >/dev/null 2>&1; then fail "the GBK sample must not be UTF-8"; else pass; fi
run credit import gbk.csv --kind penalty --format json
expect_rc 0 "GBK CSV imported"
expect_eq "$(json_get .files.0.encoding <<<"$OUT")" "gb18030" "GBK detected"
expect_eq "$(json_get .inserted <<<"$OUT")" "30" "30 rows from GBK"
expect_eq "$(sqlite3 s.db "select count(*) from records where subject_name like '%有限公司' or subject_type != 'legal_person'")" "30" "Chinese text decoded"

sample --rows 20 --seed 2 | iconv -f UTF-8 -t GB18030 >gb18030.csv
run credit import gb18030.csv --kind penalty --encoding gb18030 --format json
expect_rc 0 "GB18030 with --encoding"
expect_eq "$(json_get .inserted <<<"$OUT")" "20" "GB18030 rows"

{ printf '\xEF\xBB\xBF'; sample --rows 10 --seed 3; } >bom.csv
run credit import bom.csv --kind penalty --format json
expect_rc 0 "UTF-8 with BOM"
expect_eq "$(json_get .files.0.bom <<<"$OUT")" "true" "BOM noticed"
expect_eq "$(json_get .unknown_columns <<<"$OUT")" "[]" "the BOM is not part of the first header"

sample --rows 10 --seed 4 | tr -d '\r' >lf.csv
run credit import lf.csv --kind penalty --format json
expect_eq "$(json_get .inserted <<<"$OUT")" "10" "LF line ends"

# --- quoted fields with commas, quotes and line breaks; code headers in shuffled order;
#     an unknown column; a trailing empty line ---
sample --rows 12 --seed 5 --headers code >codes.csv
python3 - <<'EOF'
import csv, random
rows = list(csv.reader(open("codes.csv", encoding="utf-8", newline="")))
header, data = rows[0], rows[1:]
order = list(range(len(header)))
random.Random(7).shuffle(order)
data[0][header.index("CF_SY")] = '经查，当事人"甲"\n于两处经营,并拒不整改'
with open("shuffled.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow([header[i] for i in order] + ["联系电话"])
    for r in data:
        w.writerow([r[i] for i in order] + ["010-12345678"])
    f.write("\r\n")
EOF
run credit import shuffled.csv --kind penalty --format json
expect_rc 0 "shuffled code headers"
expect_eq "$(json_get .inserted <<<"$OUT")" "12" "12 rows with shuffled columns"
expect_eq "$(json_get .unknown_columns.0.column <<<"$OUT")" "34 (联系电话)" "unknown column reported"
expect_err "column 34 \(联系电话\) is not a field" "unknown column warned on stderr"
expect_eq "$(sqlite3 s.db "select count(*) from records where data like '%拒不整改%' and data like '%\\n于两处%'")" "1" "quoted line break and quotes kept"

# Chinese headers in another order, with full-width brackets.
python3 - <<'EOF'
import csv, subprocess, os
out = subprocess.run([os.environ["CREDIT_BIN"], "generate", "sample", "--rows", "5", "--seed", "6",
                      "--dept", "11110000000013127H"], capture_output=True, text=True).stdout
rows = list(csv.reader(out.splitlines()))
header = [h.replace("(", "（").replace(")", "）") for h in rows[0]]
with open("chinese.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    for r in [header] + rows[1:]:
        w.writerow(list(reversed(r)))
EOF
run credit import chinese.csv --kind penalty --format json
expect_eq "$(json_get .inserted <<<"$OUT")" "5" "reversed Chinese headers with full-width brackets"

# --- NDJSON, JSON arrays, stdin ---
sample --rows 8 --seed 7 --format ndjson >feed.ndjson
run credit import feed.ndjson --kind penalty --format json
expect_eq "$(json_get .files.0.format <<<"$OUT")" "ndjson" "NDJSON detected"
expect_eq "$(json_get .inserted <<<"$OUT")" "8" "NDJSON rows"
sample --rows 6 --seed 8 --format json >array.json
run credit import array.json --kind penalty --format json
expect_eq "$(json_get .files.0.format <<<"$OUT")" "json" "JSON array detected"
expect_eq "$(json_get .inserted <<<"$OUT")" "6" "JSON array rows"
sample --rows 4 --seed 9 --encoding gbk >stdin.csv
run credit import - --kind penalty --format json <stdin.csv
expect_eq "$(json_get .inserted <<<"$OUT")" "4" "GBK on stdin"
expect_eq "$(json_get .files.0.name <<<"$OUT")" "stdin" "stdin named"
run credit import array.json --kind penalty --input-format csv
expect_rc 3 "forcing the wrong format fails cleanly"

# --- a missing required column stops before any row ---
before=$(records)
iconv -f GB18030 -t UTF-8 gbk.csv | sed '1s/行政相对人名称/相对人姓名/' >missing.csv
run credit import missing.csv --kind penalty
expect_rc 3 "missing required column"
expect_err "lacks required columns: 行政相对人名称 CF_XDR_MC" "names the missing column"
expect_eq "$(records)" "$before" "nothing imported"
expect_eq "$(sqlite3 s.db "select count(*) from import_batches where files like '%missing.csv%'")" "0" "no batch for a file stopped at its header"

# --- every rejection class, with file, line, column, value and reason ---
sample --rows 80 --seed 10 --invalid 8 --noise 3 >bad.csv
run credit import bad.csv --kind penalty --rejects rejects.csv
expect_rc 3 "invalid rows: exit 3"
expect_err "rejected bad.csv:[0-9]+:27 \(处罚机关统一社会信用代码\)|rejected bad.csv:[0-9]+:3 \(统一社会信用代码\)" "USCC check with file:line:column"
expect_err "check character is '.', expected '.'" "USCC reason"
expect_err "8 of 80 rows rejected; nothing was imported" "summary of a rejected batch"
expect_err "3 more rejected rows in rejects.csv" "the rest is in the rejects file"
expect_err "warning: bad.csv:[0-9]+:1 \(行政相对人名称\): '  .*': surrounding whitespace removed" "noise is a warning"
expect_eq "$(records)" "$before" "a rejected batch imports nothing"
head -c 3 rejects.csv | od -An -tx1 | grep -q "ef bb bf" && pass || fail "rejects file (UTF-8 input) has a BOM"
python3 - <<'EOF' && pass || fail "rejects file: columns, one row per reject, every class with its reason"
import csv
rows = list(csv.reader(open("rejects.csv", encoding="utf-8-sig", newline="")))
header = rows[0]
assert header[-3:] == ["原文件行号", "错误列", "错误原因"], header[-3:]
assert len(rows) == 9, len(rows)
reasons = " ".join(r[-1] for r in rows[1:])
for want in ["check character", "in the future", "required", "not a date", "resident ID",
             "not an amount", "没收财产", "duplicate: line"]:
    assert want in reasons, want
lines = [int(r[-3]) for r in rows[1:]]
assert lines == sorted(lines) and lines[0] > 1, lines
EOF
run credit import bad.csv --kind penalty --dry-run --format json
expect_rc 3 "dry run of a bad file: exit 3"
expect_eq "$(json_get .batch <<<"$OUT")" "null" "a dry run has no batch"

# --- the valid rows now, the rejects corrected and imported again ---
run credit import bad.csv --kind penalty --skip-invalid --format json
expect_rc 0 "--skip-invalid"
expect_eq "$(json_get .inserted <<<"$OUT")" "72" "valid rows imported"
python3 - <<'EOF'
import csv
rows = list(csv.reader(open("rejects.csv", encoding="utf-8-sig", newline="")))
h = rows[0]
col = {name: i for i, name in enumerate(h)}
fixed = [h]
for r in rows[1:]:
    reason = r[col["错误原因"]]
    if "duplicate" in reason:
        continue  # the first occurrence is in; this one is dropped
    if "check character" in reason:
        import re
        m = re.search(r"\[(\d+) ", reason)
        c = int(m.group(1)) - 1
        expected = re.search(r"expected '(.)'", reason).group(1)
        r[c] = r[c][:-1] + expected
    if "in the future" in reason:
        r[col["处罚决定日期"]] = "2026-04-01"
    if "required" in reason:
        r[col["行政相对人名称"]] = "北京补正商贸有限公司"
    if "not a date" in reason:
        r[col["处罚决定日期"]] = "2025-12-15"
    if "resident ID" in reason:
        r[col["证件号码"]] = "11010519491231002X"
    if "not an amount" in reason:
        r[col["罚款金额(万元)"]] = "0.5"
    if "没收财产" in reason:
        r[col["处罚类别"]] = "没收违法所得"
        r[col["没收违法所得、没收非法财物的金额(万元)"]] = "1"
    fixed.append(r)
with open("fixed.csv", "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f).writerows(fixed)
EOF
run credit import fixed.csv --kind penalty --format json
expect_rc 0 "corrected rejects import"
expect_eq "$(json_get .inserted <<<"$OUT")" "7" "all corrected rows in"
expect_eq "$(json_get .unknown_columns <<<"$OUT")" "[]" "the rejects file's extra columns are not unknown columns"

# Rejects of a GBK file are written in GB18030.
sample --rows 10 --seed 11 --invalid 2 --encoding gbk >badgbk.csv
run credit import badgbk.csv --kind penalty --rejects rejects-gbk.csv
expect_rc 3 "bad GBK file"
iconv -f GB18030 -t UTF-8 rejects-gbk.csv | grep -q "错误原因" && pass || fail "GBK rejects file in GB18030"

# --- licences and dishonest-list entries ---
sample --kind license --rows 10 --seed 12 >lic.csv
run credit import lic.csv --kind license --format json
expect_eq "$(json_get .inserted <<<"$OUT")" "10" "licences"
sample --kind dishonest --rows 10 --seed 13 --encoding gbk >dis.csv
run credit import dis.csv --kind dishonest --format json
expect_eq "$(json_get .inserted <<<"$OUT")" "10" "dishonest-list entries"
expect_eq "$(sqlite3 s.db "select distinct severity from records where kind = 'dishonest'")" "severe" "listings are severe"
run credit import lic.csv --kind penalty
expect_rc 3 "a licence file is not a penalty file"

# --- malformed rows are rejected with their line; the rest of the file is read ---
python3 - <<'EOF2'
lines = open("lf.csv", encoding="utf-8").read().splitlines()
lines[2] = lines[2] + ",an extra field"
lines[3] = '"' + lines[3].split(",", 1)[0] + '"x,' + lines[3].split(",", 1)[1]
open("malformed.csv", "w", encoding="utf-8").write("\n".join(lines) + "\n")
EOF2
run credit import malformed.csv --kind penalty --skip-invalid --dry-run
expect_rc 0 "malformed rows skipped"
expect_err "malformed.csv:3: the row has 34 fields, the header has 33" "field count reported with its line"
expect_err "malformed.csv:4: text after the closing quote in column 1" "stray quote reported"
run credit import lf.csv --kind parking
expect_rc 2 "an unknown kind is a usage error"

# --- real templates: title and 填表说明 rows, * markers, 序号, dates as Chinese templates and
# spreadsheets write them, tab and semicolon delimiters, 2016-era codes ---
sample --rows 12 --seed 21 | tr -d '\r' >tpl-base.csv
python3 - <<'EOF2'
import csv
rows = list(csv.reader(open("tpl-base.csv", encoding="utf-8-sig")))
head, data = rows[0], rows[1:]
jd = head.index("处罚决定日期")
forms = ["{y}年{m}月{d}日", "{y}.{m:02}.{d:02}", "{y}/{m}/{d}", "{y}-{m:02}-{d:02} 00:00:00"]
import datetime
for i, r in enumerate(data):
    y, m, d = map(int, r[jd].split("-"))
    if i % 5 == 4:
        r[jd] = str((datetime.date(y, m, d) - datetime.date(1899, 12, 30)).days)  # Excel serial
    else:
        r[jd] = forms[i % 4].format(y=y, m=m, d=d)
marked = ["*" + h if i % 3 == 0 else ("＊" + h if i % 3 == 1 else h) for i, h in enumerate(head)]
def write(name, delim, header):
    with open(name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delim, lineterminator="\n")
        w.writerow(["某某市市场监督管理局行政处罚信息公示表"])
        w.writerow(["填表说明：带*号的为必填项；日期格式为YYYY年M月D日"])
        w.writerow([])
        w.writerow(["序号"] + header)
        for n, r in enumerate(data, 1):
            w.writerow([str(n)] + r)
write("tpl-tab.txt", "\t", marked)
write("tpl-semi.csv", ";", marked)
old = {"统一社会信用代码": "CF_XDR_SHXYM", "组织机构代码": "CF_XDR_ZDM", "工商注册号": "CF_XDR_GSDJ",
       "法定代表人": "CF_FR", "违法行为类型": "CF_CFMC", "处罚机关": "CF_XZJG"}
write("tpl-2016.csv", ",", [old.get(h, h) for h in head])
EOF2
for f in tpl-tab.txt tpl-semi.csv tpl-2016.csv; do
  run credit import $f --kind penalty --dry-run --format json
  expect_rc 0 "$f: template imported"
  expect_eq "$(json_get .accepted <<<"$OUT")" "12" "$f: all 12 rows valid (dates in five forms)"
  expect_eq "$(json_get .unknown_columns <<<"$OUT")" "[]" "$f: markers, 序号 and 2016 codes all mapped"
  expect_eq "$(json_get .files.0.header_line <<<"$OUT")" "4" "$f: header found below the title rows"
done
run credit import tpl-tab.txt --kind penalty --dry-run --header-row 4 --format json
expect_rc 0 "--header-row names the header's line"
expect_eq "$(json_get .accepted <<<"$OUT")" "12" "--header-row: all rows"
run credit import tpl-tab.txt --kind penalty --dry-run --header-row 2
expect_rc 3 "--header-row at the 填表说明 row: the header lacks the columns"
expect_err "header lacks required columns" "says which columns are missing"
python3 - <<'EOF2'
lines = open("tpl-tab.txt", encoding="utf-8").read().split("\n")
cells = lines[4].split("\t")
cells[[h.strip("*＊") for h in lines[3].split("\t")].index("处罚决定日期")] = "2025年2月30日"
lines[4] = "\t".join(cells)
open("tpl-bad.txt", "w", encoding="utf-8").write("\n".join(lines))
EOF2
run credit import tpl-bad.txt --kind penalty --dry-run
expect_rc 3 "an impossible Chinese date is rejected"
expect_err "tpl-bad.txt:5" "the row is named by its line under the title rows"
expect_err "2025-02-30 does not exist" "the reason names the impossible date"

# --- broken files fail cleanly ---
printf 'a,b\n"never closed\n' >open-quote.csv
run credit import open-quote.csv --kind penalty
expect_rc 3 "unterminated quote"
printf '\xFF\xFEa\x00' >utf16.csv
run credit import utf16.csv --kind penalty
expect_rc 3 "UTF-16"
expect_err "UTF-16" "UTF-16 named"
run credit import nosuchfile.csv --kind penalty
expect_rc 6 "missing file"
: >empty.csv
run credit import empty.csv --kind penalty
expect_rc 3 "empty file"

run credit audit verify --token-file admin.token
expect_rc 5 "admin cannot read the audit log"
add_user s.db admin.token aud auditor
run credit audit verify --token-file aud.token
expect_rc 0 "audit chain intact"
finish
