"""Yearly values of many indicators at once: the import of a file and the export in its format.

The import follows ``indicator record`` row by row in what it accepts and what it keeps (a
corrected value's old value and source go into the cycle's history, as a ``value_corrected``
entry each), but it writes set-based: the municipality's stored values are read in one query,
then the new ones inserted and the changed ones updated with one executemany statement each,
and the history entries likewise, in one transaction. A file of 100,000 values takes seconds,
not the minutes of one ORM round trip per row (bench/values_bench.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from engine.clock import stamp
from engine.db.indicator_tables import Indicator, IndicatorValue
from engine.events import IndicatorValuesImported
from engine.i18n import m
from engine.indicators import spec as specs
from engine.indicators import values_file
from engine.indicators.programme import Programme
from engine.indicators.values_file import Problem, Progress, ValueRow, ValuesRejected

if TYPE_CHECKING:
    from engine.service import Loaded

BATCH = 5000
"""Rows per executemany: progress between batches, and bounded memory per statement."""

_VALUES = IndicatorValue.__table__
_UPDATE_VALUE = (update(_VALUES).where(_VALUES.c.id == bindparam("b_id"))
                 .values(value=bindparam("b_value"), source=bindparam("b_source"),
                         recorded_by=bindparam("b_by"), recorded_at=bindparam("b_at")))


@dataclass(frozen=True)
class Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Imported:
    file: str
    per_indicator: dict[str, Counts]
    """By indicator, in the order the file first names them."""


@dataclass(frozen=True)
class Exported:
    file: str
    cycle: int
    values: int
    indicators: int


class BulkValues:
    """Import and export of yearly values, on the programme's unit of work and permission rule."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.service = programme.service
        self.lang = programme.lang

    def import_values(self, ags: str, path: str | Path, *, actor: str, numbers: str | None = None,
                      progress: Progress | None = None) -> Imported:
        """Every row or none. The file's own problems and the rows naming an indicator the
        cycle does not have are refused together, each with its line and column."""
        notation = specs.notation(numbers, self.lang) if numbers else None
        name = Path(path).name
        values_file.kind_of(path, self.lang)  # a wrong extension before reading a byte
        parsed = values_file.read_values(self.programme.read_file(path), name, self.lang,
                                         this_year=self.service.today().year, notation=notation,
                                         progress=progress)
        with self.service.unit(ags) as session:
            loaded, person = self.programme.open_for_editing(session, ags, actor, running=False)
            indicators = {row.key: row for row in session.exec(
                select(Indicator).where(Indicator.cycle_id == loaded.cycle.id))}
            unknown = [Problem(row.line, parsed.columns["indicator"], m(
                "indicator.unknown", self.lang, ags=loaded.municipality.ags, number=loaded.cycle.number,
                key=row.key)) for row in parsed.rows if row.key not in indicators]
            if parsed.problems or unknown:
                order = list(values_file.COLUMNS)
                problems = sorted(parsed.problems + unknown, key=lambda p: (p.line, _position(p, parsed, order)))
                raise ValuesRejected(name, problems, self.lang)
            counts = self._write(session, loaded, person.email, parsed.rows, indicators, progress)
            changed = tuple(key for key, c in counts.items() if c.added or c.changed)
            if changed:
                self.programme.publish(session, loaded, IndicatorValuesImported, keys=changed)
        return Imported(name, counts)

    def _write(self, session: Session, loaded: Loaded, actor: str, rows: list[ValueRow],
               indicators: dict[str, Indicator], progress: Progress | None) -> dict[str, Counts]:
        """Compare with what is stored, then insert, update and write the history in batches."""
        municipality = loaded.municipality.id
        stored = {(key, year): (id_, value, source) for id_, key, year, value, source in session.connection().execute(
            select(_VALUES.c.id, _VALUES.c.key, _VALUES.c.year, _VALUES.c.value, _VALUES.c.source)
            .where(_VALUES.c.municipality_id == municipality, col(_VALUES.c.key).in_(list(indicators))))}
        at = stamp(self.service.clock)
        added: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        history: list[tuple[str | None, str | None, dict[str, Any]]] = []
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in rows:
            indicator = indicators[row.key]
            before = stored.get((row.key, row.year))
            if before is None:
                added.append({"municipality_id": municipality, "key": row.key, "year": row.year, "value": row.value,
                              "source": row.source or indicator.source, "recorded_by": actor, "recorded_at": at})
                tally[row.key][0] += 1
                continue
            id_, previous, previous_source = before
            if row.value == previous and row.source in (None, previous_source):
                tally[row.key][2] += 1  # an empty source cell keeps the stored one: an export reads back unchanged
                continue
            source = row.source or indicator.source
            changed.append({"b_id": id_, "b_value": row.value, "b_source": source, "b_by": actor, "b_at": at})
            history.append((row.key, row.reason, {"year": row.year, "value": row.value, "previous": previous,
                                                  "source": source, "previous_source": previous_source,
                                                  "decimals": indicator.decimals}))
            tally[row.key][1] += 1
        connection = session.connection()
        total = len(added) + len(changed)
        done = 0
        report = progress or (lambda phase, done, total: None)
        report("write", 0, total)
        for statement, batch in [*((insert(_VALUES), b) for b in _batches(added)),
                                 *((_UPDATE_VALUE, b) for b in _batches(changed))]:
            connection.execute(statement, batch)
            done += len(batch)
            report("write", done, total)
        self.service.add_histories(session, loaded.cycle, on=self.service.today(), actor=actor,
                                   kind="value_corrected", entries=history)
        return {key: Counts(*numbers) for key, numbers in tally.items()}

    def export_values(self, ags: str, path: str | Path, *, number: int | None = None, numbers: str | None = None,
                      progress: Progress | None = None) -> Exported:
        """The values of a cycle's indicators (the latest cycle's by default), indicator by
        indicator as ``indicator list`` orders them, year by year, in the import's format."""
        notation = specs.notation(numbers, self.lang) if numbers else None
        target = Path(path)
        values_file.kind_of(target, self.lang)
        with Session(self.service.engine) as session:
            loaded = self.service.load(session, ags, number=number, running=False)
            keys = list(session.exec(select(Indicator.key).where(Indicator.cycle_id == loaded.cycle.id)
                                     .order_by(col(Indicator.sdg), col(Indicator.id))))
            position = {key: n for n, key in enumerate(keys)}
            found = sorted(session.connection().execute(
                select(_VALUES.c.key, _VALUES.c.year, _VALUES.c.value, _VALUES.c.source)
                .where(_VALUES.c.municipality_id == loaded.municipality.id, col(_VALUES.c.key).in_(keys))),
                key=lambda row: (position[row.key], row.year))
        rows = [(key, year, value, source) for key, year, value, source in found]
        count = values_file.write_values(target, rows, self.lang, notation=notation, total=len(rows),
                                         progress=progress)
        return Exported(target.name, loaded.cycle.number, count, len({row[0] for row in rows}))


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def _position(problem: Problem, parsed: values_file.ValuesFile, order: list[str]) -> int:
    """A problem's column in the canonical order, so a row's problems read left to right."""
    canonical = next((name for name, shown in parsed.columns.items() if shown == problem.column), None)
    return order.index(canonical) if canonical else len(order)
