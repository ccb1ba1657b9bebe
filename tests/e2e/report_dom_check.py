#!/usr/bin/env python3
"""Checks a report page as Chromium rendered it (--dump-dom) against the report's JSON: every
available section is there; each chart is an <svg> whose bars or points carry the figures of the
JSON rows; every table cell and key figure shows the JSON value. Prints what it checked; exits 1
with the first differences otherwise. Usage: report_dom_check.py DOC.json DOM.html"""
import json
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs = {}  # section id -> list of (tag, attrs) inside its chart
        self.cells = {}  # section id -> list of (key, data-value)
        self.figures = {}  # section id -> {metric: data-value}
        self.sections = set()
        self.scripts = 0
        self._svg = self._table = self._figures = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "section":
            self.sections.add(a.get("id"))
        if tag == "svg" and "data-section" in a:
            self._svg = a["data-section"]
            self.svgs.setdefault(self._svg, [])
        elif self._svg and tag in ("rect", "circle"):
            self.svgs[self._svg].append((tag, a))
        if tag == "table" and "data-section" in a:
            self._table = a["data-section"]
            self.cells.setdefault(self._table, [])
        elif self._table and tag == "td":
            self.cells[self._table].append((a.get("data-key"), a.get("data-value")))
        if tag == "div" and a.get("class") == "figures":
            self._figures = a["data-section"]
            self.figures.setdefault(self._figures, {})
        elif self._figures and tag == "div" and a.get("class") == "figure":
            self.figures[self._figures][a["data-metric"]] = a["data-value"]

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        if tag == "table":
            self._table = None
        if tag == "section":
            self._figures = None


def value_text(v):
    if v is None:
        return ""
    return v if isinstance(v, str) else json.dumps(v)


def main():
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    dom = Dom()
    dom.feed(open(sys.argv[2], encoding="utf-8").read())
    errors, charts, cells = [], 0, 0
    if dom.scripts:
        errors.append(f"{dom.scripts} script elements")
    for s in doc["sections"]:
        sid = s["id"]
        if sid not in dom.sections:
            errors.append(f"section {sid} missing")
            continue
        if not s["available"] or not s["rows"]:
            continue
        chart = s.get("chart") or {}
        if chart.get("type") == "figures":
            want = {r["metric"]: value_text(r["value"]) for r in s["rows"]}
            if dom.figures.get(sid) != want:
                errors.append(f"{sid}: figures {dom.figures.get(sid)} != {want}")
            charts += 1
        elif chart:
            marks = dom.svgs.get(sid)
            if marks is None:
                errors.append(f"{sid}: no svg chart")
                continue
            charts += 1
            for tag, a in marks:
                row = s["rows"][int(a["data-row"])]
                want = value_text(row.get(a["data-key"]))
                if a.get("data-value") != want:
                    errors.append(f"{sid}: {tag} row {a['data-row']} {a['data-key']} = "
                                  f"{a.get('data-value')}, JSON has {want}")
            n_series = len(chart["series"])
            n_rows = len(s["rows"]) if chart["type"] == "line" else min(len(s["rows"]), 40)
            if len(marks) != n_series * n_rows:
                errors.append(f"{sid}: {len(marks)} chart marks, expected {n_series * n_rows}")
        want_cells = [(c["key"], value_text(r.get(c["key"]))) for r in s["rows"] for c in s["columns"]]
        if dom.cells.get(sid) != want_cells:
            errors.append(f"{sid}: table cells differ from the JSON rows")
        cells += len(want_cells)
    if errors:
        print("\n".join(errors[:20]))
        sys.exit(1)
    print(f"sections: {len(doc['sections'])}, charts: {charts}, cells: {cells}")


main()
