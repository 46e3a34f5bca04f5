"""Benchmark 10 (issue 12, part 6): yearly values in bulk, `indicator value import` of one file.

A municipality with 800 own indicators gets N values (indicator × year, German CSV, ``;`` and
1.234,5) through the door's use case, as the command runs it: reading and checking every cell,
comparing with what is stored, inserting in one transaction. Then the same file with every value
changed (N updates and N history entries), and the export of all values to CSV and XLSX.

Baseline in the same run: the stdlib's ``csv.reader`` over the same file, ``float`` of each value
with the German marks swapped, and one sqlite3 ``executemany`` INSERT of the rows into a table of
the same columns, on zyklus's pragmas (WAL, synchronous=NORMAL): the floor of reading and storing
these rows in Python, without any check.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import NOW, Result
from bench.seed import service_for
from engine.clock import FixedClock

INDICATORS = 800
YEARS = range(1900, 2026)
"""126 years each: 800 × 126 = 100,800 rows at most, enough for the full figure."""
ACTOR = "koordination@bench.example"
AGS = "16051000"


def _seed(path: Path) -> object:
    """The door of a file with one municipality, its coordinator, a running cycle, the indicators."""
    from engine.indicators.programme import Programme
    from zyklus.app.programme import ProgrammeArea

    service = service_for(path, FixedClock(NOW))
    service.init_db()
    service.add_municipality(AGS, "Erfurt", state="TH", kind="stadt")
    service.add_person(AGS, name="Koordination", email=ACTOR, roles=["coordination"])
    service.start_cycle(AGS, on=dt.date(2027, 1, 4))
    definitions = path.parent / "indicators.csv"
    definitions.write_text("id;name;sdg;unit;direction\n" + "".join(
        f"ind-{i};Indikator {i};{i % 17 + 1};t;sinkend\n" for i in range(INDICATORS)), encoding="utf-8")
    Programme(service).import_csv(AGS, definitions, actor=ACTOR)
    return ProgrammeArea(service)


def _values_file(path: Path, rows: int, shift: float) -> Path:
    cells = ((f"ind-{i}", year) for year in YEARS for i in range(INDICATORS))
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("indikator;jahr;wert;quelle\n")
        for n, (key, year) in zip(range(rows), cells):
            out.write(f"{key};{year};{n * 1.5 + shift:.1f}".replace(".", ",") + ";Statistisches Landesamt\n")
    return path


def _baseline(path: Path, db: Path) -> float:
    """csv.reader, float() and one executemany INSERT: the floor, without a single check."""
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source, delimiter=";")
        next(reader)
        rows = [(1, key, int(year), float(value.replace(".", "").replace(",", ".")), quelle, ACTOR, "2027-06-01")
                for key, year, value, quelle in reader]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE indicator_value (id INTEGER PRIMARY KEY, municipality_id INTEGER, key TEXT, "
                 "year INTEGER, value REAL, source TEXT, recorded_by TEXT, recorded_at TEXT, "
                 "UNIQUE (municipality_id, key, year))")
    with conn:
        conn.executemany("INSERT INTO indicator_value (municipality_id, key, year, value, source, recorded_by, "
                         "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.close()
    return time.perf_counter() - start


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def run(rows: int, tmp: Path, log: Callable[[str], None]) -> list[Result]:
    rows = min(rows, INDICATORS * len(YEARS))
    folder = tmp / "values"
    folder.mkdir(exist_ok=True)
    door = _seed(folder / "zyklus.db")
    first = _values_file(folder / "werte.csv", rows, 0.0)
    corrected = _values_file(folder / "korrektur.csv", rows, 0.5)
    floor = _baseline(first, folder / "baseline.db")
    log(f"    baseline csv + executemany: {floor:.2f} s")
    added_s, added = _timed(lambda: door.import_values(AGS, first, actor=ACTOR))  # type: ignore[attr-defined]
    log(f"    import, all new: {added_s:.2f} s ({added.added:,} added)")  # type: ignore[attr-defined]
    changed_s, changed = _timed(lambda: door.import_values(AGS, corrected, actor=ACTOR))  # type: ignore[attr-defined]
    log(f"    import, all changed: {changed_s:.2f} s ({changed.changed:,} changed, as many history rows)")  # type: ignore[attr-defined]
    same_s, _ = _timed(lambda: door.import_values(AGS, corrected, actor=ACTOR))  # type: ignore[attr-defined]
    csv_s, _ = _timed(lambda: door.export_values(AGS, folder / "export.csv"))  # type: ignore[attr-defined]
    xlsx_s, _ = _timed(lambda: door.export_values(AGS, folder / "export.xlsx"))  # type: ignore[attr-defined]
    from_xlsx_s, _ = _timed(lambda: door.import_values(AGS, folder / "export.xlsx", actor=ACTOR))  # type: ignore[attr-defined]
    log(f"    import, unchanged: {same_s:.2f} s, from XLSX {from_xlsx_s:.2f} s; export CSV {csv_s:.2f} s, "
        f"XLSX {xlsx_s:.2f} s")
    per_100k = 100_000 / rows
    label = "csv.reader + sqlite3 executemany"
    goal = "< 10 s per 100,000"
    details = {"rows": rows, "baseline_s": floor, "import_new_s": added_s, "import_changed_s": changed_s,
               "import_unchanged_s": same_s, "import_xlsx_unchanged_s": from_xlsx_s, "export_csv_s": csv_s,
               "export_xlsx_s": xlsx_s}
    return [
        Result("10 values", f"import {rows:,} values (new)", added_s, "s", floor, label, goal,
               added_s * per_100k < 10, higher_is_better=False, details=details),
        Result("10 values", f"import {rows:,} corrections (+ history)", changed_s, "s", floor, label, goal,
               changed_s * per_100k < 10, higher_is_better=False),
        Result("10 values", f"import {rows:,} values from XLSX (unchanged)", from_xlsx_s, "s", floor, label, goal,
               from_xlsx_s * per_100k < 10, higher_is_better=False),
        Result("10 values", f"export {rows:,} values to CSV", csv_s, "s", floor, label, goal,
               csv_s * per_100k < 10, higher_is_better=False),
        Result("10 values", f"export {rows:,} values to XLSX", xlsx_s, "s", floor, label, goal,
               xlsx_s * per_100k < 10, higher_is_better=False),
    ]
