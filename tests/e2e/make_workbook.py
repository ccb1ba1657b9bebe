#!/usr/bin/env python3
"""Builds real workbooks from a sample CSV for the workbook import tests.

  make_workbook.py xlsx SRC.csv OUT [--1904]   openpyxl: a 填表说明 sheet, a hidden decoy sheet,
                                              then 处罚信息 with a title row, * markers, dates as
                                              date-formatted numbers, amounts as numbers
  make_workbook.py xls SRC.csv OUT             xlwt (BIFF8): the same data on one sheet
  make_workbook.py inline SRC.csv OUT          hand-written OOXML with x: prefixes, inline
                                              strings and a custom date style (as other writers do)
Dates are the columns whose header ends in 日期 or 有效期/截止期; amounts end in (万元).
"""
import csv
import datetime
import sys
import zipfile
from xml.sax.saxutils import escape


def load(path):
    rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
    return rows[0], rows[1:]


def typed(header, value):
    if not value:
        return None
    if header.endswith(("日期", "有效期", "截止期")):
        return datetime.datetime.strptime(value, "%Y-%m-%d")
    if header.endswith("(万元)"):
        return float(value)
    return value


def xlsx(src, out, date1904):
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    header, data = load(src)
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["本表由各部门填报，带*为必填项。"])
    decoy = wb.create_sheet("旧数据")
    decoy.append(header)
    decoy.append(data[0])
    decoy.sheet_state = "hidden"
    ws = wb.create_sheet("处罚信息")
    ws.append(["行政处罚信息（双公示）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(["填表说明：日期为年月日"])
    ws.append([("*" + h) if h in ("行政相对人名称", "处罚决定日期") else h for h in header])
    for row in data:
        ws.append([typed(h, v) for h, v in zip(header, row)])
    for column, h in enumerate(header, start=1):
        if h.endswith(("日期", "有效期", "截止期")):
            for r in range(4, ws.max_row + 1):
                ws.cell(row=r, column=column).number_format = 'yyyy"年"m"月"d"日"'
    wb.save(out)


def xls(src, out):
    import xlwt

    header, data = load(src)
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("处罚信息")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, h in enumerate(header):
        ws.write(0, c, h)
    for r, row in enumerate(data, start=1):
        for c, (h, v) in enumerate(zip(header, row)):
            value = typed(h, v)
            if isinstance(value, datetime.datetime):
                ws.write(r, c, value, date_style)
            elif value is not None:
                ws.write(r, c, value)
    wb.save(out)


def column(i):
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def inline(src, out):
    header, data = load(src)
    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rows = []
    for r, row in enumerate([header] + data, start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{column(c)}{r}"
            value = typed(header[c], v) if r > 1 else v
            if value is None:
                continue
            if isinstance(value, datetime.datetime):
                serial = (value - datetime.datetime(1899, 12, 30)).days
                cells.append(f'<x:c r="{ref}" s="1"><x:v>{serial}</x:v></x:c>')
            elif isinstance(value, float):
                cells.append(f'<x:c r="{ref}"><x:v>{value!r}</x:v></x:c>')
            else:
                cells.append(f'<x:c r="{ref}" t="inlineStr"><x:is><x:r><x:t>{escape(value[:2])}</x:t></x:r>'
                             f'<x:r><x:t xml:space="preserve">{escape(value[2:])}</x:t></x:r>'
                             f'<x:rPh sb="0" eb="1"><x:t>ピン</x:t></x:rPh></x:is></x:c>')
        rows.append(f'<x:row r="{r}">{"".join(cells)}</x:row>')
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="r1" Type="{rel}/officeDocument" Target="wb/book.xml"/></Relationships>',
        "wb/book.xml": f'<?xml version="1.0"?><x:workbook {ns} xmlns:r="{rel}"><x:sheets>'
                       f'<x:sheet name="数据" sheetId="1" r:id="s1"/></x:sheets></x:workbook>',
        "wb/_rels/book.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                  f'<Relationship Id="s1" Type="{rel}/worksheet" Target="sheets/one.xml"/>'
                                  f'<Relationship Id="st" Type="{rel}/styles" Target="/wb/style.xml"/></Relationships>',
        "wb/style.xml": f'<?xml version="1.0"?><x:styleSheet {ns}><x:numFmts count="1"><x:numFmt numFmtId="180" '
                        f'formatCode="yyyy/m/d;@"/></x:numFmts><x:cellXfs count="2"><x:xf numFmtId="0"/>'
                        f'<x:xf numFmtId="180" applyNumberFormat="1"/></x:cellXfs></x:styleSheet>',
        "wb/sheets/one.xml": f'<?xml version="1.0"?><x:worksheet {ns}><x:sheetData>{"".join(rows)}'
                             f'</x:sheetData></x:worksheet>',
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


if __name__ == "__main__":
    what, src, out = sys.argv[1:4]
    if what == "xlsx":
        xlsx(src, out, "--1904" in sys.argv)
    elif what == "xls":
        xls(src, out)
    else:
        inline(src, out)
