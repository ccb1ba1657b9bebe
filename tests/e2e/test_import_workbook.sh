#!/usr/bin/env bash
# credit import of workbooks (.xlsx from openpyxl and hand-written OOXML, .xls from xlwt):
# recognised by content, the sheet found (or --sheet), cells typed (dates in both date systems,
# numbers without float artefacts, shared and inline strings), the same records as the CSV they
# came from, errors that name the cell, damaged files refused with nothing imported.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
PY=/usr/bin/python3  # Debian's, with python3-openpyxl and python3-xlwt (setup.sh test)
MAKE="$PY $(dirname "$0")/make_workbook.py"
export CREDIT_NOW=2026-05-06T10:00:00+08:00

# Two stores with the same users: one gets the CSV, the other the workbook made from it.
fresh() {
  rm -f "$1"
  new_store "$1" admin.token
  add_user "$1" admin.token op operator $DEPT
  add_user "$1" admin.token rev reviewer $DEPT
  credit --store "$1" --token-file rev.token import authorize --kind penalty --until 2026-12-31 -q
}
export CREDIT_TOKEN_FILE=op.token
records() {  # the imported records, as comparable text
  sqlite3 "$1" "select document_number, decided_on, publicity_until, subject_name, data from records order by document_number"
}
credit generate sample --dept $DEPT --rows 40 --seed 21 --authorities 3 >base.csv
fresh csv.db
run credit --store csv.db import base.csv --kind penalty --format json
expect_rc 0 "the CSV imports"
records csv.db >csv.records

# --- .xlsx as office software writes it: notes sheet, hidden decoy, title, markers, typed cells ---
$MAKE xlsx base.csv book.xlsx
fresh x.db
run credit --store x.db import book.xlsx --kind penalty --format json
expect_rc 0 ".xlsx imports"
expect_eq "$(json_get .files.0.format <<<"$OUT")" "xlsx" "recognised as xlsx"
expect_eq "$(json_get .files.0.sheet <<<"$OUT")" "处罚信息" "the notes sheet and the hidden sheet are passed over"
expect_eq "$(json_get .files.0.header_line <<<"$OUT")" "3" "the header below the title and notes rows"
expect_eq "$(json_get .inserted <<<"$OUT")" "40" "every row"
records x.db >x.records
if diff -q csv.records x.records >/dev/null; then pass; else
  fail "the .xlsx gives the same records as the CSV: $(diff csv.records x.records | head -5)"
fi

# Content, not the name, says what a file is; stdin works as well.
cp book.xlsx disguised.csv
fresh d.db
run credit --store d.db import disguised.csv --kind penalty --format json
expect_eq "$(json_get .inserted <<<"$OUT")" "40" "an .xlsx called .csv is still read as a workbook"
fresh stdin.db
run credit --store stdin.db import - --kind penalty --format json <book.xlsx
expect_eq "$(json_get .inserted <<<"$OUT")" "40" "an .xlsx on stdin"

# --- the 1904 date system ---
$MAKE xlsx base.csv mac.xlsx --1904
fresh m.db
run credit --store m.db import mac.xlsx --kind penalty --format json
expect_rc 0 ".xlsx in the 1904 date system"
records m.db >m.records
if diff -q csv.records m.records >/dev/null; then pass; else
  fail "1904 dates read as the same days: $(diff csv.records m.records | head -5)"
fi

# --- inline strings, prefixed elements, a custom date style, rich text and phonetic runs ---
$MAKE inline base.csv inline.xlsx
fresh i.db
run credit --store i.db import inline.xlsx --kind penalty --format json
expect_rc 0 "hand-written OOXML with inline strings"
records i.db >i.records
if diff -q csv.records i.records >/dev/null; then pass; else
  fail "inline strings read whole, without phonetic runs: $(diff csv.records i.records | head -5)"
fi

# --- .xls (BIFF8) ---
$MAKE xls base.csv old.xls
fresh o.db
run credit --store o.db import old.xls --kind penalty --format json
expect_rc 0 ".xls imports"
expect_eq "$(json_get .files.0.format <<<"$OUT")" "xls" "recognised as xls"
records o.db >o.records
if diff -q csv.records o.records >/dev/null; then pass; else
  fail "the .xls gives the same records as the CSV: $(diff csv.records o.records | head -5)"
fi

# --- amounts keep their decimals ---
expect_eq "$(sqlite3 x.db "select count(*) from records where data like '%.6499999%' or data like '%.0000000%'")" "0" \
  "no float artefacts in amounts"

# --- --sheet ---
fresh s.db
run credit --store s.db import book.xlsx --kind penalty --sheet 旧数据 --format json
expect_rc 0 "--sheet by name reads even a hidden sheet"
expect_eq "$(json_get .inserted <<<"$OUT")" "1" "the decoy's one row"
run credit --store s.db import book.xlsx --kind penalty --sheet 9
expect_rc 3 "--sheet with no such sheet"
expect_err "no sheet \"9\"; the workbook has: 1 填表说明, 2 旧数据 \(hidden\), 3 处罚信息" "the sheets are listed"
run credit --store s.db import base.csv --kind penalty --sheet 1
expect_rc 2 "--sheet on a CSV file"

# --- a bad cell is named by sheet, column and row ---
$PY - <<'PY'
import openpyxl
wb = openpyxl.load_workbook("book.xlsx")
ws = wb["处罚信息"]
header = [c.value for c in ws[3]]
ws.cell(row=7, column=header.index("处罚机关统一社会信用代码") + 1).value = "12345"
wb.save("bad.xlsx")
PY
fresh b.db
run credit --store b.db import bad.xlsx --kind penalty --skip-invalid --rejects bad.rejects.csv
expect_rc 0 "the valid rows imported"
OUT="$OUT$ERR"
expect_out "rejected bad.xlsx:7:处罚信息!AA \\(处罚机关统一社会信用代码\\): '12345'" \
  "the rejected cell named by file, row, sheet and column, with its value"
expect_eq "$(sqlite3 b.db "select count(*) from records")" "39" "the other rows imported"
test -s bad.rejects.csv && pass || fail "a rejects file is written"

# --- damaged workbooks: a clear error, nothing imported ---
head -c 3000 book.xlsx >cut.xlsx
fresh z.db
run credit --store z.db import cut.xlsx --kind penalty
expect_rc 3 "a truncated .xlsx"
expect_err "cut.xlsx" "the message names the file"
expect_err "hint:" "and says what to do"
printf 'PK\003\004 not really a zip' >fake.xlsx
run credit --store z.db import fake.xlsx --kind penalty
expect_rc 3 "ZIP magic without a ZIP"
head -c 2000 old.xls >cut.xls
run credit --store z.db import cut.xls --kind penalty
expect_rc 3 "a truncated .xls"
expect_eq "$(sqlite3 z.db "select count(*) from records")" "0" "nothing imported from damaged files"

finish
