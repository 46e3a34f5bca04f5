"""Looking back on a cycle: planned against actual phase dates, and the measures' summary."""

from __future__ import annotations

import datetime as dt

from engine.db.indicator_tables import Measure
from engine.db.tables import History
from engine.indicators.review import summarise_measures, timeline

D = dt.date


def history(seq: int, kind: str, on: dt.date, *, source: str | None = None, dest: str | None = None,
            details: dict | None = None) -> History:
    return History(cycle_id=1, seq=seq, at=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc), on=on, actor="a@b.de",
                   kind=kind, from_phase=source, to_phase=dest, details=details or {})


def planned(phase: str, entered: dt.date) -> dt.date:
    return entered + dt.timedelta(days={"setup": 90, "inventory": 180}[phase])


def test_planned_end_follows_deadline_changes_and_actual_end_the_transitions() -> None:
    rows = [history(1, "start", D(2027, 1, 4), dest="setup"),
            history(2, "fact", D(2027, 1, 20)),
            history(3, "deadline", D(2027, 3, 1), source="setup", dest="setup", details={"due_on": "2027-05-31"}),
            history(4, "transition", D(2027, 5, 20), source="setup", dest="inventory"),
            history(5, "complete", D(2027, 12, 1), source="inventory", dest="completed")]
    setup, inventory = timeline(reversed(rows), planned)  # sorted by seq, whatever the input order
    assert (setup.phase, setup.entered_on, setup.planned_end, setup.left_on) == (
        "setup", D(2027, 1, 4), D(2027, 5, 31), D(2027, 5, 20))
    assert setup.days_late(D(2030, 1, 1)) == -11  # eleven days before the moved deadline
    assert (inventory.entered_on, inventory.planned_end, inventory.left_on) == (
        D(2027, 5, 20), D(2027, 11, 16), D(2027, 12, 1))
    assert inventory.days_late(D(2030, 1, 1)) == 15


def test_a_running_phase_is_late_only_once_overdue() -> None:
    (visit,) = timeline([history(1, "start", D(2027, 1, 4), dest="setup")], planned)
    assert visit.left_on is None and visit.planned_end == D(2027, 4, 4)
    assert visit.days_late(D(2027, 4, 4)) is None
    assert visit.days_late(D(2027, 4, 14)) == 10


def measure(key: str, status: str, end: dt.date | None = None) -> Measure:
    return Measure(municipality_id=1, cycle_id=1, key=key, title=key, status=status, status_on=D(2027, 1, 1),
                   planned_end=end, created_at=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc))


def test_measure_summary_counts_every_status_and_finds_the_overdue() -> None:
    measures = [measure("a", "done", D(2027, 1, 1)), measure("b", "delayed", D(2027, 6, 1)),
                measure("c", "dropped"), measure("d", "in_progress", D(2028, 1, 1)), measure("e", "planned"),
                measure("f", "delayed", D(2029, 1, 1))]
    summary = summarise_measures(measures, D(2027, 12, 31))
    assert summary.counts == {"planned": 1, "in_progress": 1, "done": 1, "delayed": 2, "dropped": 1}
    assert list(summary.counts) == ["planned", "in_progress", "done", "delayed", "dropped"]
    assert summary.total == 6
    assert [m.key for m in summary.overdue] == ["b"]  # done "a" is past its end but not open
    assert [m.key for m in summary.delayed] == ["b", "f"] and [m.key for m in summary.dropped] == ["c"]
