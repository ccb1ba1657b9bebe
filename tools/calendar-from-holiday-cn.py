#!/usr/bin/env python3
"""Convert holiday-cn year files (github.com/NateScarlet/holiday-cn) to the
project's calendar format under share/calendar/ (see share/calendar/README.md).

    tools/calendar-from-holiday-cn.py OUT_DIR holiday-cn/2025.json [more.json ...]

A notice sometimes sets days of the neighbouring year (a make-up working day on
30 December for New Year). Our files keep every date in its own year, so such
days move to that year's file: to the file being converted in the same run, or
to an existing OUT_DIR/YYYY.json. With neither, the day is reported and dropped.

Standard library only; run by hand, not part of the build.
"""

import datetime
import json
import os
import sys

SOURCE = "holiday-cn (github.com/NateScarlet/holiday-cn, MIT licence), converted by tools/calendar-from-holiday-cn.py"


def die(msg):
    sys.stderr.write(f"calendar-from-holiday-cn: {msg}\n")
    sys.exit(1)


def parse_day(entry, where):
    try:
        return datetime.date.fromisoformat(entry["date"]), bool(entry["isOffDay"]), str(entry["name"])
    except (KeyError, TypeError, ValueError) as e:
        die(f"{where}: bad day entry {entry!r}: {e}")


class YearFile:
    """One year in our format: ordered holidays name -> {off: set, work: set}."""

    def __init__(self, year, papers):
        self.year = year
        self.papers = list(papers)
        self.holidays = {}
        self.flags = {}  # date -> is_off, to catch conflicts

    def add(self, name, day, is_off, where):
        if day.year != self.year:
            die(f"{where}: {day} does not belong to {self.year}")
        if day in self.flags and self.flags[day] != is_off:
            die(f"{where}: {day} is both a day off and a working day")
        self.flags[day] = is_off
        h = self.holidays.setdefault(name, {"off": set(), "work": set()})
        h["off" if is_off else "work"].add(day)

    def to_json(self):
        return {
            "year": self.year,
            "source": SOURCE,
            "papers": self.papers,
            "holidays": [
                {"name": n, "off": [d.isoformat() for d in sorted(h["off"])],
                 "work": [d.isoformat() for d in sorted(h["work"])]}
                for n, h in self.holidays.items()
            ],
        }

    @staticmethod
    def load(path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        y = YearFile(doc["year"], doc.get("papers", []))
        for h in doc["holidays"]:
            for key, is_off in (("off", True), ("work", False)):
                for d in h.get(key, []):
                    y.add(h["name"], datetime.date.fromisoformat(d), is_off, path)
        return y


def main(argv):
    if len(argv) < 3:
        die("usage: calendar-from-holiday-cn.py OUT_DIR HOLIDAY_CN_YEAR.json...")
    out_dir, inputs = argv[1], argv[2:]
    years, spilled = {}, []
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        year = doc["year"]
        if year in years:
            die(f"{path}: year {year} given twice")
        if not doc["days"]:
            print(f"{path}: {year} has no days (notice not published yet); skipped", file=sys.stderr)
            continue
        y = years[year] = YearFile(year, doc["papers"])
        for i, entry in enumerate(doc["days"]):
            day, is_off, name = parse_day(entry, f"{path} days[{i}]")
            if day.year == year:
                y.add(name, day, is_off, path)
            else:
                spilled.append((day, is_off, f"{name}（{year}年）", doc["papers"], path))
    existing = {}
    for day, is_off, name, papers, path in spilled:
        target = years.get(day.year)
        if target is None:
            p = os.path.join(out_dir, f"{day.year}.json")
            if os.path.exists(p):
                target = existing.setdefault(day.year, YearFile.load(p))
        if target is None:
            print(f"{path}: {day} ({name}) belongs to {day.year}, which has no calendar file; dropped",
                  file=sys.stderr)
            continue
        target.add(name, day, is_off, path)
        target.papers += [p for p in papers if p not in target.papers]
    for y in list(years.values()) + list(existing.values()):
        with open(os.path.join(out_dir, f"{y.year}.json"), "w", encoding="utf-8") as f:
            json.dump(y.to_json(), f, ensure_ascii=False, indent=2)
            f.write("\n")
        print(f"wrote {y.year}.json", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
