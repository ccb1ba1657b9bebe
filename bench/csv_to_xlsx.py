#!/usr/bin/env python3
"""csv_to_xlsx.py IN.csv OUT.xlsx — a large .xlsx as Excel writes one: every text in the shared
strings table, numbers as numbers, dates as date-formatted serials; written streaming (zip64), so
a million rows need no spreadsheet library. For bench/workbook.sh."""
import csv
import datetime
import sys
import zipfile
from xml.sax.saxutils import escape

src, out = sys.argv[1:3]
EPOCH = datetime.date(1899, 12, 30)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def col(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


strings, index = [], {}


def sst(text):
    i = index.get(text)
    if i is None:
        i = index[text] = len(strings)
        strings.append(text)
    return i


with open(src, encoding="utf-8", newline="") as f, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    reader = csv.reader(f)
    header = next(reader)
    dates = [h.endswith(("日期", "有效期", "截止期")) for h in header]
    amounts = [h.endswith("(万元)") for h in header]
    refs = [col(i) for i in range(len(header))]
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
        def emit(r, row, typed):
            cells = []
            for c, v in enumerate(row):
                if not v:
                    continue
                ref = f"{refs[c]}{r}"
                if typed and dates[c]:
                    d = datetime.date.fromisoformat(v)
                    cells.append(f'<c r="{ref}" s="1"><v>{(d - EPOCH).days}</v></c>')
                elif typed and amounts[c]:
                    cells.append(f'<c r="{ref}"><v>{v}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" t="s"><v>{sst(v)}</v></c>')
            sheet.write(f'<row r="{r}">{"".join(cells)}</row>'.encode())
        emit(1, header, False)
        for r, row in enumerate(reader, start=2):
            emit(r, row, True)
        sheet.write(b"</sheetData></worksheet>")
    with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
        shared.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} uniqueCount="{len(strings)}">'.encode())
        for s in strings:
            shared.write(f"<si><t>{escape(s)}</t></si>".encode())
        shared.write(b"</sst>")
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {NS} xmlns:r="{REL}"><sheets><sheet name="处罚信息" sheetId="1" r:id="s1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="s1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="s2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="s3" Type="{REL}/styles" Target="styles.xml"/></Relationships>')
    z.writestr("xl/styles.xml", f'<?xml version="1.0"?><styleSheet {NS}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
