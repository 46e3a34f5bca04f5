"""Use cases of the action programme: goals, measures, indicators, targets and yearly values.

Built on the engine's Service (its unit of work, lookups and actor check) rather than inside it,
so the cycle's core stays small. Like the Service, every method validates its input before it
opens a transaction, so a bad value leaves the database as it was. Changing the programme needs
the core team (coordinators count in it); reading needs nobody.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from engine import validate
from engine.clock import stamp
from engine.db.indicator_tables import (DEFAULT_VALUES_DUE, PARENT_LEVEL, Goal,
                                        Indicator, IndicatorTarget, IndicatorValue, Measure, MeasureEvent,
                                        MeasureIndicator)
from engine.db.tables import Cycle, Person
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.events import (CycleEvent, IndicatorsAdded, IndicatorValueRecorded, MeasureStatusChanged,
                           ValuesDueChanged)
from engine.i18n import format_date, m, os_reason, t
from engine.indicators import spec as specs
from engine.indicators.catalogue import catalogue
from engine.indicators.csv_import import ImportRejected, decode, parse_csv
from engine.numbers import format_exact, parse_number
from engine.roles import effective_roles
from engine.service import Loaded, Service

EDITOR_ROLE = "core_team"
"""Who may change the programme: the core team, which includes the coordinators."""


@dataclass(frozen=True)
class IndicatorView:
    """An indicator of one cycle with its targets and the municipality's observed values."""

    row: Indicator
    goal_key: str | None
    targets: tuple[tuple[int, float], ...]
    values: tuple[IndicatorValue, ...]

    @property
    def series(self) -> list[tuple[int, float]]:
        return [(v.year, v.value) for v in self.values]

    @property
    def baseline(self) -> tuple[int, float] | None:
        row = self.row
        return (row.baseline_year, row.baseline_value) if row.baseline_year is not None else None  # type: ignore[return-value]

    @property
    def band(self) -> tuple[float, float] | None:
        return (self.row.band_low, self.row.band_high) if self.row.direction == "band" else None  # type: ignore[return-value]


@dataclass(frozen=True)
class Recorded:
    indicator: Indicator
    value: IndicatorValue
    corrected: float | None
    """The value it replaced, when the year had been recorded before."""



def _given(value: object) -> bool:
    """Whether an optional input was given: None leaves a field as it is and an empty text
    clears it, while 0 (a year, an SDG, costs) is a value to check, not an absence."""
    return value is not None and value != ""

class Programme:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.lang = service.lang

    # -- common steps ---------------------------------------------------------------------------
    def open_for_editing(self, session: Session, ags: str, actor: str, *,
                         running: bool = True) -> tuple[Loaded, Person]:
        """The municipality's latest cycle and the acting person, who must be in the core team.
        The programme of a completed cycle is history: it changes only in the next cycle."""
        loaded = self.service.load(session, ags, running=False)
        person = self.service.actor_in(loaded, actor)
        if not effective_roles(person.roles) & {EDITOR_ROLE}:
            raise PermissionDenied(m("programme.permission", self.lang, email=person.email,
                                     roles=f'{t("role.coordination", self.lang)}, {t("role.core_team", self.lang)}'))
        if running and loaded.cycle.status != "running":
            raise InvalidInput(m("programme.cycle_completed", self.lang, ags=loaded.municipality.ags,
                                 number=loaded.cycle.number,
                                 on=format_date(loaded.cycle.restart_on, self.lang)))
        return loaded, person

    def _indicator(self, session: Session, loaded: Loaded, key: str) -> Indicator:
        return self.row_by_key(session, loaded, Indicator, key, "indicator.unknown")

    def _goal(self, session: Session, loaded: Loaded, key: str) -> Goal:
        return self.row_by_key(session, loaded, Goal, key, "goal.unknown")

    def _measure(self, session: Session, loaded: Loaded, key: str) -> Measure:
        return self.row_by_key(session, loaded, Measure, key, "measure.unknown")

    def row_by_key(self, session: Session, loaded: Loaded, table: Any, key: str, unknown: str) -> Any:
        """A goal, indicator or measure of this cycle by its key, or the user's 'unknown …' line."""
        row = session.exec(select(table).where(table.cycle_id == loaded.cycle.id, table.key == key)).first()
        if row is None:
            raise NotFound(m(unknown, self.lang, ags=loaded.municipality.ags, number=loaded.cycle.number, key=key))
        return row

    def publish(self, session: Session, loaded: Loaded, event: type[CycleEvent], **fields: object) -> None:
        """Tell the subscribers (the reminder planner) inside this unit of work, so what they
        plan commits or rolls back with the change."""
        cycle = loaded.cycle
        self.service.publish(event(cycle.id, loaded.municipality.ags, cycle.number, **fields), session)

    def _keys(self, session: Session, table: type[Indicator] | type[Goal] | type[Measure], cycle: Cycle) -> set[str]:
        return set(session.exec(select(table.key).where(table.cycle_id == cycle.id)))

    def _insert(self, session: Session, loaded: Loaded, spec: specs.IndicatorSpec, *,
                catalogue_id: str | None = None, theme_field: str | None = None,
                goal: Goal | None = None, values_due: str | None = None,
                sdg_target: str | None = None) -> Indicator:
        """``values_due`` (the command's option) applies where the definition (a CSV row, a
        catalogue entry) names no due date of its own."""
        if goal is not None:  # an indicator tied to a goal has the goal's theme field
            self._goal_theme(goal, theme_field)
            theme = goal.theme_field
        else:
            theme = theme_field or spec.theme_field
        baseline_year, baseline_value = spec.baseline or (None, None)
        row = Indicator(municipality_id=loaded.municipality.id, cycle_id=loaded.cycle.id, key=spec.key,
                        name=spec.name, sdg=spec.sdg, unit=spec.unit, decimals=spec.decimals,
                        direction=spec.direction, band_low=spec.band_low, band_high=spec.band_high,
                        baseline_year=baseline_year, baseline_value=baseline_value, source=spec.source,
                        theme_field=theme, goal_id=goal.id if goal else None, definition=spec.definition,
                        catalogue_id=catalogue_id,
                        values_due=spec.values_due or values_due or DEFAULT_VALUES_DUE,
                        publication_lag=(spec.publication_lag if spec.publication_lag is not None
                                         else specs.DEFAULT_PUBLICATION_LAG),
                        sdg_target=sdg_target, created_at=stamp(self.service.clock))
        session.add(row)
        session.flush()
        session.add_all(IndicatorTarget(indicator_id=row.id, year=y, value=v) for y, v in spec.targets)
        return row

    def _goal_theme(self, goal: Goal | None, theme: str | None) -> None:
        """A theme field typed for an indicator tied to ``goal`` must be the goal's (it has the
        goal's anyway): another is refused, as for goals and measures; none given is fine."""
        if goal is not None and theme is not None and theme.casefold() != goal.theme_field.casefold():
            raise InvalidInput(m("goal.theme_differs", self.lang, theme=theme or "–", key=goal.key,
                                 parent_theme=goal.theme_field))

    def _this_year(self) -> int:
        return self.service.today().year

    # -- indicators -----------------------------------------------------------------------------
    def adopt(self, ags: str, keys: Sequence[str], *, actor: str, every: bool = False,
              theme_field: str | None = None, goal: str | None = None, values_due: str | None = None) -> list[str]:
        """Adopt starter-catalogue indicators into the running cycle. ``every`` adopts all that
        are not adopted yet; naming one that is already there is a mistake worth saying."""
        entries = catalogue()
        if every:
            keys = list(entries)
        elif not keys:
            raise InvalidInput(m("catalogue.nothing", self.lang))
        for key in keys:
            if key not in entries:
                raise NotFound(m("catalogue.unknown", self.lang, key=key))
        theme_field = validate.single_line(theme_field, "--theme", self.lang) if theme_field else None
        goal = specs.key(goal, self.lang) if goal else None
        values_due = specs.values_due(values_due, self.lang) if values_due else None
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            goal_row = self._goal(session, loaded, goal) if goal else None
            present = self._keys(session, Indicator, loaded.cycle)
            if not every:
                for key in keys:
                    if key in present:
                        raise Conflict(m("indicator.duplicate", self.lang, ags=loaded.municipality.ags,
                                         number=loaded.cycle.number, key=key))
            adopted = [key for key in dict.fromkeys(keys) if key not in present]
            for key in adopted:
                self._insert(session, loaded, entries[key].spec, catalogue_id=key, theme_field=theme_field,
                             goal=goal_row, values_due=values_due, sdg_target=entries[key].profile.sdg_target)
            if adopted:
                self._changed(session, loaded, person, "indicators_adopted", adopted[0], None,
                              {"keys": adopted, "goal": goal})
                self.publish(session, loaded, IndicatorsAdded, keys=tuple(adopted))
        return adopted

    def add(self, ags: str, raw: dict[str, str | None], *, actor: str, sdg_target: str | None = None) -> Indicator:
        """An own indicator from its fields (the CSV columns) and the SDG sub-target it measures
        (which must belong to its SDG); on record in the history, as its later changes are."""
        spec = specs.parse_spec(raw, self.lang, this_year=self._this_year())
        _goal_number, sub_target = self._sdg_target(sdg_target, spec.sdg)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            if spec.key in self._keys(session, Indicator, loaded.cycle):
                raise Conflict(m("indicator.duplicate", self.lang, ags=loaded.municipality.ags,
                                 number=loaded.cycle.number, key=spec.key))
            goal = self._goal(session, loaded, spec.goal) if spec.goal else None
            row = self._insert(session, loaded, spec, goal=goal, theme_field=spec.theme_field, sdg_target=sub_target)
            self._changed(session, loaded, person, "indicator_added", row.key, None, {"added": {
                "name": row.name, "sdg": row.sdg, "sdg_target": row.sdg_target, "unit": row.unit,
                "direction": row.direction, "band": [row.band_low, row.band_high] if row.direction == "band" else None,
                "goal": spec.goal}})
            self.publish(session, loaded, IndicatorsAdded, keys=(row.key,))
        return row

    def import_csv(self, ags: str, path: str | Path, *, actor: str, values_due: str | None = None,
                   numbers: str | None = None) -> list[str]:
        """All rows or none: file problems, then clashes with the cycle (an id already there, a
        goal that does not exist), each reported with its line. ``numbers`` names the language
        the file writes its numbers in (de or en; by default the importing person's)."""
        values_due = specs.values_due(values_due, self.lang) if values_due else None
        notation = specs.notation(numbers, self.lang) if numbers else None
        name = Path(path).name
        rows = parse_csv(decode(self.read_file(path), name, self.lang), name, self.lang, this_year=self._this_year(),
                         notation=notation)
        with self.service.unit(ags) as session:
            loaded, _ = self.open_for_editing(session, ags, actor)
            present = self._keys(session, Indicator, loaded.cycle)
            goals = {g.key: g for g in session.exec(select(Goal).where(Goal.cycle_id == loaded.cycle.id))}
            problems = []
            for row in rows:
                if row.spec.key in present:
                    problems.append(t("import.row", self.lang, line=row.line, column="id", problem=t(
                        "indicator.duplicate", self.lang, ags=loaded.municipality.ags, number=loaded.cycle.number,
                        key=row.spec.key)))
                if row.spec.goal and row.spec.goal not in goals:
                    problems.append(t("import.row", self.lang, line=row.line, column="goal", problem=t(
                        "goal.unknown", self.lang, ags=loaded.municipality.ags, number=loaded.cycle.number,
                        key=row.spec.goal)))
                elif row.spec.goal:
                    try:
                        self._goal_theme(goals[row.spec.goal], row.spec.theme_field)
                    except InvalidInput as exc:
                        problems.append(t("import.row", self.lang, line=row.line, column="theme_field",
                                          problem=exc.message))
            if problems:
                raise ImportRejected(name, problems, self.lang)
            for row in rows:
                self._insert(session, loaded, row.spec, goal=goals.get(row.spec.goal or ""),
                             theme_field=row.spec.theme_field, values_due=values_due)
            self.publish(session, loaded, IndicatorsAdded, keys=tuple(row.spec.key for row in rows))
        return [row.spec.key for row in rows]

    def values_on_file(self, ags: str, keys: Sequence[str]) -> dict[str, tuple[int, int, int]]:
        """Key → (count, first year, last year) of the yearly values the municipality has of these
        keys: values belong to the municipality by key, so an indicator added with the key of a
        deleted one counts them as its own (docs/indicators.md) — which its confirmation says."""
        with Session(self.service.engine) as session:
            municipality = self.service.municipality_in(session, ags)
            rows = session.exec(select(IndicatorValue.key, IndicatorValue.year).where(
                IndicatorValue.municipality_id == municipality.id, col(IndicatorValue.key).in_(list(keys))))
            years: dict[str, list[int]] = defaultdict(list)
            for key, year in rows:
                years[key].append(year)
        return {key: (len(years[key]), min(years[key]), max(years[key])) for key in keys if years.get(key)}

    def read_file(self, path: str | Path) -> bytes:
        """An import's file, or the one line saying why it cannot be read (missing, a folder)."""
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise InvalidInput(m("import.unreadable", self.lang, file=str(path), error=os_reason(exc, self.lang))) from None

    def set_target(self, ags: str, key: str, year: int | str, value: float | str, *,
                   actor: str) -> tuple[Indicator, IndicatorTarget]:
        target_year = specs.year(year, self.lang)
        number = parse_number(value, self.lang)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            indicator = self._indicator(session, loaded, specs.key(key, self.lang))
            if indicator.direction == "band":
                raise InvalidInput(m("indicator.band_targets", self.lang))
            self._refuse_targets_before(indicator.baseline_year, [target_year])
            row = session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id,
                                                             IndicatorTarget.year == target_year)).first()
            previous = row.value if row else None
            row = row or IndicatorTarget(indicator_id=indicator.id, year=target_year, value=number)
            row.value = number
            session.add(row)
            if previous != number:  # the same target again changes nothing, and is no entry
                self._on_record(session, loaded, person, "target_set", indicator, year=target_year, value=number,
                                previous=previous)
        return indicator, row

    def _refuse_targets_before(self, baseline_year: int | None, target_years: Iterable[int]) -> None:
        """A target lies after the baseline it is measured from (the code a client can act on)."""
        early = sorted(year for year in target_years if baseline_year is not None and year <= baseline_year)
        if early:
            raise InvalidInput(m("indicator.target_before_baseline", self.lang, year=early[0],
                                 baseline=baseline_year))

    def set_baseline(self, ags: str, key: str, year: int | str, value: float | str, *, actor: str) -> Indicator:
        baseline_year = specs.year(year, self.lang, latest=self._this_year())
        number = parse_number(value, self.lang)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            indicator = self._indicator(session, loaded, specs.key(key, self.lang))
            self._refuse_targets_before(baseline_year, session.exec(
                select(IndicatorTarget.year).where(IndicatorTarget.indicator_id == indicator.id)))
            previous = (indicator.baseline_year, indicator.baseline_value)
            indicator.baseline_year, indicator.baseline_value = baseline_year, number
            session.add(indicator)
            if previous != (baseline_year, number):
                self._on_record(session, loaded, person, "baseline_set", indicator, year=baseline_year, value=number,
                                previous_year=previous[0], previous=previous[1])
        return indicator

    def set_values_due(self, ags: str, key: str, values_due: str, *, actor: str) -> Indicator:
        """Move the day each year by which the previous year's value is due (MM-DD)."""
        values_due = specs.values_due(values_due, self.lang)
        with self.service.unit(ags) as session:
            loaded, _ = self.open_for_editing(session, ags, actor)
            indicator = self._indicator(session, loaded, specs.key(key, self.lang))
            indicator.values_due = values_due
            session.add(indicator)
            self.publish(session, loaded, ValuesDueChanged, key=indicator.key, values_due=values_due)
        return indicator

    def record(self, ags: str, key: str, year: int | str, value: float | str, *, actor: str,
               source: str | None = None, reason: str | None = None) -> Recorded:
        """A yearly value, in any phase (monitoring runs on while the next cycle is awaited).
        A year recorded again is a correction: the new value replaces the old one. The same value
        and source again (a retried request, a script run twice) changes nothing and is no
        correction on record."""
        observed_year = specs.year(year, self.lang, latest=self._this_year())
        number = parse_number(value, self.lang)
        source = validate.single_line(source, "--source", self.lang, limit=specs.SOURCE_LIMIT) if source else None
        reason = self._reason(reason)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor, running=False)
            indicator = self._indicator(session, loaded, specs.key(key, self.lang))
            row = session.exec(select(IndicatorValue).where(
                IndicatorValue.municipality_id == loaded.municipality.id, IndicatorValue.key == indicator.key,
                IndicatorValue.year == observed_year)).first()
            previous, previous_source = (row.value, row.source) if row else (None, None)
            if row is not None and previous == number and previous_source == (source or indicator.source):
                return Recorded(indicator, row, None)
            row = row or IndicatorValue(municipality_id=loaded.municipality.id, key=indicator.key,
                                        year=observed_year, value=number, recorded_by=person.email,
                                        recorded_at=stamp(self.service.clock))
            row.value, row.source, row.recorded_by = number, source or indicator.source, person.email
            row.recorded_at = stamp(self.service.clock)
            session.add(row)
            if previous is not None:
                self._on_record(session, loaded, person, "value_corrected", indicator, reason=reason,
                                year=observed_year, value=number, previous=previous, source=row.source,
                                previous_source=previous_source)
            self.publish(session, loaded, IndicatorValueRecorded, key=indicator.key, year=observed_year)
        return Recorded(indicator, row, previous)

    def delete_value(self, ags: str, key: str, year: int | str, *, actor: str, reason: str | None = None) -> IndicatorValue:
        """Remove a value recorded by mistake (a wrong year, a wrong indicator). The value may
        already have been reported or rated, so the history keeps what it was and who removed it."""
        observed_year = specs.year(year, self.lang)
        reason = self._reason(reason)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor, running=False)
            indicator = self._indicator(session, loaded, specs.key(key, self.lang))
            row = session.exec(select(IndicatorValue).where(
                IndicatorValue.municipality_id == loaded.municipality.id, IndicatorValue.key == indicator.key,
                IndicatorValue.year == observed_year)).first()
            if row is None:
                raise NotFound(m("indicator.value_unknown", self.lang, key=indicator.key, year=observed_year))
            session.delete(row)
            self._on_record(session, loaded, person, "value_deleted", indicator, reason=reason,
                            year=observed_year, value=row.value, source=row.source, recorded_by=row.recorded_by)
        return row

    def delete_target(self, ags: str, key: str, year: int | str, *, actor: str,
                      reason: str | None = None) -> IndicatorTarget:
        """Remove a target set by mistake; like every change of a decided target it is on record."""
        target_year = specs.year(year, self.lang)
        reason = self._reason(reason)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            indicator = self._indicator(session, loaded, specs.key(key, self.lang))
            row = session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id,
                                                             IndicatorTarget.year == target_year)).first()
            if row is None:
                raise NotFound(m("indicator.target_unknown", self.lang, key=indicator.key, year=target_year))
            session.delete(row)
            self._on_record(session, loaded, person, "target_deleted", indicator, reason=reason,
                            year=target_year, value=row.value)
        return row

    def _on_record(self, session: Session, loaded: Loaded, person: Person, kind: str, indicator: Indicator,
                   reason: str | None = None, **details: object) -> None:
        """A correction or removal of what the programme had decided or observed goes into the
        cycle's append-only history: the rows themselves keep only the newest state. The
        indicator's decimals go with it, so the entry shows the value as the programme showed it."""
        self._changed(session, loaded, person, kind, indicator.key, reason,
                      {**details, "decimals": indicator.decimals})

    def _changed(self, session: Session, loaded: Loaded, person: Person, kind: str, key: str,
                 reason: str | None, details: dict[str, Any]) -> None:
        """One programme change in the cycle's history: who, when, why, and what it was before."""
        self.service.add_history(session, loaded.cycle, on=self.service.today(), actor=person.email, kind=kind,
                                 trigger=key, reason=reason, details=details)

    def _reason(self, reason: str | None) -> str | None:
        return validate.single_line(reason, "--reason", self.lang, limit=specs.REASON_LIMIT) if reason else None

    def update_indicator(self, ags: str, key: str, *, actor: str, reason: str | None = None,
                         name: str | None = None, unit: str | None = None, source: str | None = None,
                         theme_field: str | None = None, goal: str | None = None, sdg: str | None = None,
                         sdg_target: str | None = None, definition: str | None = None,
                         direction: str | None = None, band_low: float | str | None = None,
                         band_high: float | str | None = None, values_due: str | None = None,
                         publication_lag: int | str | None = None) -> Indicator:
        """Change how the programme defines an indicator; the old definition stays in the history.
        Its key and values stay. A corrected direction or band rates this cycle from now on;
        earlier cycles keep the ratings they were given (engine/indicators/kept_ratings.py)."""
        reason = self._reason(reason)
        wanted: dict[str, Any] = {}
        if definition is not None:
            wanted["definition"] = validate.text(definition, "definition", self.lang, limit=2000) if definition else None
        if values_due is not None:
            wanted["values_due"] = specs.values_due(values_due, self.lang)
        if publication_lag is not None:
            wanted["publication_lag"] = specs.publication_lag(publication_lag, self.lang)
        if name is not None:
            wanted["name"] = validate.single_line(name, "--name", self.lang)
        if unit is not None:
            wanted["unit"] = validate.single_line(unit, "--unit", self.lang, limit=80)
        if source is not None:
            wanted["source"] = validate.single_line(source, "--source", self.lang, limit=300) if source else None
        if theme_field is not None:
            wanted["theme_field"] = validate.single_line(theme_field, "--theme", self.lang) if theme_field else None
        if sdg is not None or sdg_target is not None:
            goal_number, wanted["sdg_target"] = self._sdg_target(
                sdg_target, specs.sdg(sdg, self.lang) if _given(sdg) else None)
            if goal_number is not None:
                wanted["sdg"] = goal_number
        goal_key = specs.key(goal, self.lang) if goal else goal
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._indicator(session, loaded, specs.key(key, self.lang))
            if goal_key:  # a new goal brings its theme field; a --theme given too must be that one
                goal_row = self._goal(session, loaded, goal_key)
                self._goal_theme(goal_row, wanted.get("theme_field"))
                wanted["goal_id"], wanted["theme_field"] = goal_row.id, goal_row.theme_field
            elif goal_key is not None:  # tied to no goal: it keeps the theme field it had, unless --theme
                wanted["goal_id"] = None
            elif "theme_field" in wanted and row.goal_id is not None:
                self._goal_theme(session.get(Goal, row.goal_id), wanted["theme_field"] or "")
            if direction is not None or _given(band_low) or _given(band_high):
                wanted.update(self._direction(session, row, direction, band_low, band_high))
            changes = self._apply(row, wanted)
            if "goal_id" in changes:
                changes["goal"] = {"old": self._goal_key(session, changes.pop("goal_id")["old"]), "new": goal_key or None}
            session.add(row)
            if changes:
                self._changed(session, loaded, person, "indicator_updated", row.key, reason, {"changes": changes})
        return row

    def _direction(self, session: Session, row: Indicator, direction: str | None, low: float | str | None,
                   high: float | str | None) -> dict[str, Any]:
        """A corrected direction with its band, by the rules an added one follows: a band needs
        both bounds, the lower not above the upper (equal: one level to reach and hold), and no
        targets (the band is the target); another direction has no bounds."""
        wanted = specs.direction(direction, self.lang) if direction else row.direction
        bounds = [parse_number(x, self.lang) if _given(x) else None for x in (low, high)]
        if wanted != "band":
            if any(x is not None for x in bounds):
                raise InvalidInput(m("indicator.band_unexpected", self.lang))
            return {"direction": wanted, "band_low": None, "band_high": None}
        if bounds[0] is None or bounds[1] is None or bounds[0] > bounds[1]:
            raise InvalidInput(m("indicator.band_missing", self.lang))
        if session.exec(select(IndicatorTarget.id).where(IndicatorTarget.indicator_id == row.id)).first():
            raise InvalidInput(m("indicator.band_targets", self.lang))
        return {"direction": wanted, "band_low": bounds[0], "band_high": bounds[1]}

    @staticmethod
    def _goal_key(session: Session, goal_id: int | None) -> str | None:
        goal = session.get(Goal, goal_id) if goal_id else None
        return goal.key if goal else None

    def delete_indicator(self, ags: str, key: str, *, actor: str, reason: str | None = None) -> Indicator:
        """Remove an indicator from this cycle's programme with its targets and its links to
        measures. Its observed values stay: they belong to the municipality, earlier cycles'
        evaluations used them, and ``delete_value`` removes one on record if it was wrong."""
        reason = self._reason(reason)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._indicator(session, loaded, specs.key(key, self.lang))
            targets = list(session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == row.id)
                                        .order_by(col(IndicatorTarget.year))))
            links = list(session.exec(select(MeasureIndicator).where(MeasureIndicator.indicator_id == row.id)))
            for dependent in (*targets, *links):
                session.delete(dependent)
            session.flush()
            session.delete(row)
            self._on_record(session, loaded, person, "indicator_deleted", row, reason=reason, removed={
                "name": row.name, "sdg": row.sdg, "unit": row.unit, "direction": row.direction,
                "baseline": [row.baseline_year, row.baseline_value] if row.baseline_year is not None else None,
                "targets": [[x.year, x.value] for x in targets], "goal": self._goal_key(session, row.goal_id)})
        return row

    def indicators(self, ags: str, number: int | None = None, *, up_to: int | None = None) -> list[IndicatorView]:
        with Session(self.service.engine) as session:
            loaded = self.service.load(session, ags, number=number, running=False)
            return self.indicator_views(session, loaded.cycle, up_to=up_to)

    @staticmethod
    def indicator_views(session: Session, cycle: Cycle, *, up_to: int | None = None) -> list[IndicatorView]:
        """The cycle's indicators with targets and values (values up to the year ``up_to``)."""
        rows = list(session.exec(select(Indicator).where(Indicator.cycle_id == cycle.id).order_by(
            col(Indicator.sdg), col(Indicator.id))))
        ids = [r.id for r in rows]
        targets: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for target in session.exec(select(IndicatorTarget).where(col(IndicatorTarget.indicator_id).in_(ids))
                                   .order_by(col(IndicatorTarget.year))):
            targets[target.indicator_id].append((target.year, target.value))
        query = select(IndicatorValue).where(IndicatorValue.municipality_id == cycle.municipality_id,
                                             col(IndicatorValue.key).in_([r.key for r in rows]))
        if up_to is not None:
            query = query.where(IndicatorValue.year <= up_to)
        values: dict[str, list[IndicatorValue]] = defaultdict(list)
        for value in session.exec(query.order_by(col(IndicatorValue.year))):
            values[value.key].append(value)
        goals = dict(session.exec(select(Goal.id, Goal.key).where(Goal.cycle_id == cycle.id)).all())
        return [IndicatorView(r, goals.get(r.goal_id), tuple(targets[r.id]), tuple(values[r.key]))  # type: ignore[arg-type]
                for r in rows]

    # -- goals --------------------------------------------------------------------------------------
    def _level(self, level: str) -> str:
        return specs.goal_level(level, self.lang)

    def _sdg_target(self, value: str | None, sdg: int | None) -> tuple[int | None, str | None]:
        """The SDG sub-target ("7.2", "7.a") and the goal it implies; a goal given too must match."""
        if not value:
            return sdg, None
        target = value.strip().lower()
        head, _, tail = target.partition(".")
        if not (head.isdigit() and 1 <= int(head) <= 17 and tail and (tail.isdigit() or tail.isalpha())
                and len(tail) <= 2) or (sdg is not None and sdg != int(head)):
            raise InvalidInput(m("goal.sdg_target_invalid", self.lang, value=value))
        return int(head), target

    def _parent(self, session: Session, loaded: Loaded, level: str, parent: str | None) -> Goal | None:
        if not parent:
            return None
        row = self._goal(session, loaded, specs.key(parent, self.lang))
        wanted = PARENT_LEVEL.get(level)
        if wanted is None or row.level != wanted:
            raise InvalidInput(m("goal.parent_level", self.lang, key=row.key, level=t(f"goal.level.{row.level}",
                                 self.lang), wanted=t(f"goal.level.{level}", self.lang)))
        return row

    def add_goal(self, ags: str, key: str, *, title: str, actor: str, theme_field: str | None = None,
                 level: str = "strategic", parent: str | None = None, target_year: int | str | None = None,
                 sdg: int | str | None = None, sdg_target: str | None = None) -> Goal:
        """A goal at one level of the tree: a Leitlinie names its theme field, a goal below a
        parent takes the parent's."""
        key = specs.key(key, self.lang)
        title = validate.single_line(title, "--title", self.lang, limit=300)
        level = self._level(level)
        theme_field = validate.single_line(theme_field, "--theme", self.lang) if theme_field else None
        year = specs.year(target_year, self.lang) if _given(target_year) else None
        sdg_goal, sdg_sub = self._sdg_target(sdg_target, specs.sdg(sdg, self.lang) if _given(sdg) else None)
        if theme_field is None and parent is None:
            raise InvalidInput(m("goal.no_theme", self.lang))
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            if key in self._keys(session, Goal, loaded.cycle):
                raise Conflict(m("goal.duplicate", self.lang, ags=loaded.municipality.ags, number=loaded.cycle.number,
                                 key=key))
            parent_row = self._parent(session, loaded, level, parent)
            if parent_row and theme_field and theme_field.casefold() != parent_row.theme_field.casefold():
                raise InvalidInput(m("goal.theme_differs", self.lang, theme=theme_field, key=parent_row.key,
                                     parent_theme=parent_row.theme_field))
            row = Goal(municipality_id=loaded.municipality.id, cycle_id=loaded.cycle.id, key=key, title=title,
                       theme_field=parent_row.theme_field if parent_row else theme_field, level=level,
                       parent_id=parent_row.id if parent_row else None, target_year=year, sdg=sdg_goal,
                       sdg_target=sdg_sub, created_at=stamp(self.service.clock))
            session.add(row)
            self._changed(session, loaded, person, "goal_added", key, None, {"added": {
                "title": title, "level": level, "parent": parent_row.key if parent_row else None,
                "theme_field": row.theme_field, "target_year": year}})
        return row

    def update_goal(self, ags: str, key: str, *, actor: str, reason: str | None = None, title: str | None = None,
                    theme_field: str | None = None, target_year: int | str | None = None,
                    sdg: int | str | None = None, sdg_target: str | None = None, level: str | None = None,
                    parent: str | None = None) -> Goal:
        """Change what a goal says, its level or its place in the tree; the old state stays in the
        history. ``parent`` names the new parent goal, an empty text none. A goal keeps its level
        while goals stand below it. A changed theme field goes down the tree (the goals and
        measures below share their Leitlinie's theme), and so does a new parent's: a goal moved
        under another takes its theme field; one moved out from under its parent keeps the theme
        it had, unless ``theme_field`` names another."""
        reason = self._reason(reason)
        wanted: dict[str, Any] = {}
        if title is not None:
            wanted["title"] = validate.single_line(title, "--title", self.lang, limit=300)
        if theme_field is not None:
            wanted["theme_field"] = validate.single_line(theme_field, "--theme", self.lang)
        if target_year is not None:
            wanted["target_year"] = specs.year(target_year, self.lang) if _given(target_year) else None
        if sdg is not None or sdg_target is not None:
            wanted["sdg"], wanted["sdg_target"] = self._sdg_target(
                sdg_target, specs.sdg(sdg, self.lang) if _given(sdg) else None)
        new_level = self._level(level) if level is not None else None
        parent_key = (specs.key(parent, self.lang) if parent.strip() else "") if parent is not None else None
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._goal(session, loaded, specs.key(key, self.lang))
            if "theme_field" in wanted and row.parent_id is not None and parent_key is None:
                raise InvalidInput(m("goal.theme_inherited", self.lang, key=row.key))
            if new_level is not None or parent_key is not None:
                self._place(session, loaded, row, wanted, new_level or row.level, parent_key)
            changes = self._apply(row, wanted)
            if "parent_id" in changes:
                ids = changes.pop("parent_id")
                changes["parent"] = {"old": self._goal_key(session, ids["old"]),
                                     "new": self._goal_key(session, ids["new"])}
            if "theme_field" in changes:
                self._retheme(session, row, row.theme_field)
            session.add(row)
            if changes:
                self._changed(session, loaded, person, "goal_updated", row.key, reason, {"changes": changes})
        return row

    def _place(self, session: Session, loaded: Loaded, row: Goal, wanted: dict[str, Any], level: str,
               parent_key: str | None) -> None:
        """Check a goal's new level and parent (``parent_key`` None: it stays under the parent it
        has; "": under none) and add them to ``wanted``, with the theme field a new parent brings."""
        if level != row.level:
            below = list(session.exec(select(Goal.key).where(Goal.parent_id == row.id).order_by(col(Goal.id))))
            if below:
                raise Conflict(m("goal.level_has_children", self.lang, key=row.key, below=", ".join(below),
                                 level=t(f"goal.level.{row.level}", self.lang)))
        if parent_key == row.key:
            raise InvalidInput(m("goal.own_parent", self.lang, key=row.key))
        if parent_key is None:
            parent_row = session.get(Goal, row.parent_id) if row.parent_id else None
            if parent_row is not None and PARENT_LEVEL.get(level) != parent_row.level:
                raise InvalidInput(m("goal.parent_misfit", self.lang, key=row.key, parent=parent_row.key,
                                     level=t(f"goal.level.{level}", self.lang),
                                     parent_level=t(f"goal.level.{parent_row.level}", self.lang)))
        else:
            parent_row = self._parent(session, loaded, level, parent_key)
        theme = wanted.get("theme_field")
        if parent_row is not None:
            if theme is not None and theme.casefold() != parent_row.theme_field.casefold():
                raise InvalidInput(m("goal.theme_differs", self.lang, theme=theme, key=parent_row.key,
                                     parent_theme=parent_row.theme_field))
            wanted["theme_field"] = parent_row.theme_field
        wanted["level"], wanted["parent_id"] = level, parent_row.id if parent_row else None

    def _retheme(self, session: Session, goal: Goal, theme: str) -> None:
        for child in session.exec(select(Goal).where(Goal.parent_id == goal.id)).all():
            child.theme_field = theme
            session.add(child)
            self._retheme(session, child, theme)
        for measure in session.exec(select(Measure).where(Measure.goal_id == goal.id)).all():
            measure.theme_field = theme
            session.add(measure)
        for indicator in session.exec(select(Indicator).where(Indicator.goal_id == goal.id)).all():
            indicator.theme_field = theme
            session.add(indicator)

    @staticmethod
    def _apply(row: Any, wanted: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Set the wanted fields; returns {field: {old, new}} of those that really changed."""
        changes = {}
        for name, value in wanted.items():
            old = getattr(row, name)
            if old != value:
                changes[name] = {"old": old.isoformat() if hasattr(old, "isoformat") else old,
                                 "new": value.isoformat() if hasattr(value, "isoformat") else value}
                setattr(row, name, value)
        return changes

    def delete_goal(self, ags: str, key: str, *, actor: str, reason: str | None = None) -> Goal:
        """Remove a goal entered by mistake. A goal with goals, measures or indicators below it is
        refused rather than cascaded: a whole branch of the programme should go one decision at a
        time, each on record."""
        reason = self._reason(reason)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._goal(session, loaded, specs.key(key, self.lang))
            below = [*session.exec(select(Goal.key).where(Goal.parent_id == row.id)),
                     *session.exec(select(Measure.key).where(Measure.goal_id == row.id)),
                     *session.exec(select(Indicator.key).where(Indicator.goal_id == row.id))]
            if below:
                raise Conflict(m("goal.has_children", self.lang, key=row.key, below=", ".join(below)))
            parent = session.get(Goal, row.parent_id) if row.parent_id else None
            session.delete(row)
            self._changed(session, loaded, person, "goal_deleted", row.key, reason, {"removed": {
                "title": row.title, "level": row.level, "theme_field": row.theme_field,
                "parent": parent.key if parent else None, "target_year": row.target_year, "sdg": row.sdg,
                "sdg_target": row.sdg_target}})
        return row

    def goals(self, ags: str, number: int | None = None) -> list[Goal]:
        with Session(self.service.engine) as session:
            loaded = self.service.load(session, ags, number=number, running=False)
            return list(session.exec(select(Goal).where(Goal.cycle_id == loaded.cycle.id).order_by(col(Goal.id))))

    # -- measures -------------------------------------------------------------------------------------
    def _resources(self, costs: float | str | None, staff: float | str | None,
                   progress: int | str | None) -> dict[str, Any]:
        """The resource planning and progress as typed: costs in euros, staff in full-time
        equivalents (neither negative), progress a whole per cent 0–100. An empty text clears."""
        out: dict[str, Any] = {}
        for name, value in (("costs", costs), ("staff", staff)):
            if value is not None:
                number = parse_number(value, self.lang) if value != "" else None
                if number is not None and number < 0:
                    raise InvalidInput(m("measure.negative", self.lang, field=f"--{name}",
                                         value=format_exact(number, self.lang)))
                out[name] = number
        if progress is not None:
            share = parse_number(progress, self.lang) if progress != "" else None
            if share is not None and not (0 <= share <= 100 and share == int(share)):
                raise InvalidInput(m("measure.progress_invalid", self.lang, value=format_exact(share, self.lang)))
            out["progress"] = int(share) if share is not None else None
        return out

    def _period(self, start: dt.date | None, end: dt.date | None) -> None:
        if start and end and end < start:
            raise InvalidInput(m("measure.dates", self.lang, start=format_date(start, self.lang),
                                 end=format_date(end, self.lang)))

    def add_measure(self, ags: str, key: str, *, title: str, actor: str, goal: str | None = None,
                    theme_field: str | None = None, responsible: str | None = None,
                    planned_start: dt.date | str | None = None, planned_end: dt.date | str | None = None,
                    costs: float | str | None = None, staff: float | str | None = None,
                    progress: int | str | None = None) -> Measure:
        key = specs.key(key, self.lang)
        title = validate.single_line(title, "--title", self.lang, limit=300)
        goal = specs.key(goal, self.lang) if goal else None
        theme_field = validate.single_line(theme_field, "--theme", self.lang) if theme_field else None
        if goal is None and theme_field is None:
            raise InvalidInput(m("measure.no_theme", self.lang))
        responsible = validate.single_line(responsible, "--responsible", self.lang) if responsible else None
        start = validate.date(planned_start, self.lang) if _given(planned_start) else None
        end = validate.date(planned_end, self.lang) if _given(planned_end) else None
        self._period(start, end)
        resources = self._resources(costs, staff, progress)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            if key in self._keys(session, Measure, loaded.cycle):
                raise Conflict(m("measure.duplicate", self.lang, ags=loaded.municipality.ags,
                                 number=loaded.cycle.number, key=key))
            goal_row = self._goal(session, loaded, goal) if goal else None
            today = self.service.today()
            row = Measure(municipality_id=loaded.municipality.id, cycle_id=loaded.cycle.id, key=key, title=title,
                          goal_id=goal_row.id if goal_row else None,
                          theme_field=theme_field or (goal_row.theme_field if goal_row else None),
                          responsible=responsible, status="planned", status_on=today, planned_start=start,
                          planned_end=end, created_at=stamp(self.service.clock), **resources)
            session.add(row)
            session.flush()
            session.add(MeasureEvent(measure_id=row.id, on=today, status="planned", actor=person.email,
                                     at=stamp(self.service.clock)))
            self._changed(session, loaded, person, "measure_added", key, None, {"added": {
                "title": title, "goal": goal, "theme_field": row.theme_field, "responsible": responsible}})
            self.publish(session, loaded, MeasureStatusChanged, key=key, status="planned", on=today)
        return row

    def set_measure_status(self, ags: str, key: str, status: str, *, actor: str, on: dt.date | str | None = None,
                           note: str | None = None) -> Measure:
        status = specs.measure_status(status, self.lang)
        day = self.service.happened_on(on if _given(on) else None)  # a status is reached, never in advance
        note = validate.text(note, "--note", self.lang, limit=2000) if note else None
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._measure(session, loaded, specs.key(key, self.lang))
            previous = row.status
            row.status, row.status_on = status, day
            if status == "in_progress" and row.started_on is None:
                row.started_on = day
            row.finished_on = day if status in ("done", "dropped") else None
            session.add(row)
            session.add(MeasureEvent(measure_id=row.id, on=day, status=status, actor=person.email, note=note,
                                     at=stamp(self.service.clock)))
            self._changed(session, loaded, person, "measure_status", row.key, None,
                          {"status": {"old": previous, "new": status}, "since": day.isoformat(), "note": note})
            self.publish(session, loaded, MeasureStatusChanged, key=row.key, status=status, on=day)
        return row

    def update_measure(self, ags: str, key: str, *, actor: str, reason: str | None = None,
                       title: str | None = None, goal: str | None = None, responsible: str | None = None,
                       planned_start: dt.date | str | None = None, planned_end: dt.date | str | None = None,
                       costs: float | str | None = None, staff: float | str | None = None,
                       progress: int | str | None = None, theme_field: str | None = None) -> Measure:
        """Change a measure's plan (its status has ``set_measure_status``); the old plan stays in
        the history. An empty text clears an optional field. A new goal brings its theme field;
        a theme field of its own is for a measure without a goal. An empty ``goal`` ties the
        measure to no goal: it keeps the theme field it had, unless ``theme_field`` names another."""
        reason = self._reason(reason)
        wanted: dict[str, Any] = self._resources(costs, staff, progress)
        if title is not None:
            wanted["title"] = validate.single_line(title, "--title", self.lang, limit=300)
        if theme_field is not None:
            wanted["theme_field"] = validate.single_line(theme_field, "--theme", self.lang) if theme_field else None
        if responsible is not None:
            wanted["responsible"] = (validate.single_line(responsible, "--responsible", self.lang)
                                     if responsible else None)
        for name, value in (("planned_start", planned_start), ("planned_end", planned_end)):
            if value is not None:
                wanted[name] = validate.date(value, self.lang) if _given(value) else None
        no_goal = goal is not None and not goal.strip()
        goal_key = specs.key(goal, self.lang) if goal and not no_goal else None
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._measure(session, loaded, specs.key(key, self.lang))
            self._period(wanted.get("planned_start", row.planned_start), wanted.get("planned_end", row.planned_end))
            if goal_key:
                goal_row = self._goal(session, loaded, goal_key)
                wanted["goal_id"], wanted["theme_field"] = goal_row.id, goal_row.theme_field
            elif no_goal:
                wanted["goal_id"] = None
                if wanted.get("theme_field", row.theme_field) is None:
                    raise InvalidInput(m("measure.no_theme", self.lang))
            elif "theme_field" in wanted:
                self._own_theme(session, row, wanted["theme_field"])
            changes = self._apply(row, wanted)
            if "goal_id" in changes:
                changes["goal"] = {"old": self._goal_key(session, changes.pop("goal_id")["old"]), "new": goal_key}
            session.add(row)
            if changes:
                self._changed(session, loaded, person, "measure_updated", row.key, reason, {"changes": changes})
        return row

    def _own_theme(self, session: Session, row: Measure, theme: str | None) -> None:
        """A measure under a goal shares its goal's theme field; one without needs a theme of its own."""
        goal = session.get(Goal, row.goal_id) if row.goal_id else None
        if goal is None and theme is None:
            raise InvalidInput(m("measure.no_theme", self.lang))
        if goal is not None and (theme or "").casefold() != goal.theme_field.casefold():
            raise InvalidInput(m("goal.theme_differs", self.lang, theme=theme or "–", key=goal.key,
                                 parent_theme=goal.theme_field))

    def delete_measure(self, ags: str, key: str, *, actor: str, reason: str | None = None) -> Measure:
        """Remove a measure entered by mistake, with its status log and links; the history keeps
        its plan. A measure that was given up is ``dropped``, not deleted: that stays visible."""
        reason = self._reason(reason)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._measure(session, loaded, specs.key(key, self.lang))
            linked = self._linked(session, [row.id])
            for dependent in (*session.exec(select(MeasureEvent).where(MeasureEvent.measure_id == row.id)),
                              *session.exec(select(MeasureIndicator).where(MeasureIndicator.measure_id == row.id))):
                session.delete(dependent)
            session.flush()
            session.delete(row)
            self._changed(session, loaded, person, "measure_deleted", row.key, reason, {"removed": {
                "title": row.title, "goal": self._goal_key(session, row.goal_id), "theme_field": row.theme_field,
                "responsible": row.responsible, "status": row.status, "costs": row.costs, "staff": row.staff,
                "progress": row.progress, "indicators": linked.get(row.id, [])}})
        return row

    def link(self, ags: str, measure: str, indicator: str, *, actor: str, remove: bool = False,
             reason: str | None = None) -> tuple[Measure, Indicator]:
        """Say that a measure is meant to move an indicator (or, ``remove``, no longer)."""
        reason = self._reason(reason)
        with self.service.unit(ags) as session:
            loaded, person = self.open_for_editing(session, ags, actor)
            row = self._measure(session, loaded, specs.key(measure, self.lang))
            target = self._indicator(session, loaded, specs.key(indicator, self.lang))
            present = session.exec(select(MeasureIndicator).where(MeasureIndicator.measure_id == row.id,
                                                                  MeasureIndicator.indicator_id == target.id)).first()
            if remove and present is None:
                raise NotFound(m("measure.link_unknown", self.lang, measure=row.key, indicator=target.key))
            if not remove and present is not None:
                raise Conflict(m("measure.link_duplicate", self.lang, measure=row.key, indicator=target.key))
            if remove:
                session.delete(present)
            else:
                session.add(MeasureIndicator(measure_id=row.id, indicator_id=target.id))
            self._changed(session, loaded, person, "measure_unlinked" if remove else "measure_linked", row.key,
                          reason, {"indicator": target.key})
        return row, target

    @staticmethod
    def _linked(session: Session, measure_ids: Sequence[int | None]) -> dict[int, list[str]]:
        """The indicator keys each measure is linked to."""
        out: dict[int, list[str]] = defaultdict(list)
        for measure_id, key in session.exec(select(MeasureIndicator.measure_id, Indicator.key)
                                            .join(Indicator, col(Indicator.id) == MeasureIndicator.indicator_id)
                                            .where(col(MeasureIndicator.measure_id).in_(measure_ids))
                                            .order_by(col(Indicator.key))):
            out[measure_id].append(key)
        return out

    def links(self, ags: str, number: int | None = None) -> dict[str, list[str]]:
        """Measure key → the indicator keys it is linked to."""
        with Session(self.service.engine) as session:
            loaded = self.service.load(session, ags, number=number, running=False)
            rows = self.measure_rows(session, loaded.cycle)
            linked = self._linked(session, [r.id for r in rows])
            return {r.key: linked.get(r.id, []) for r in rows}  # type: ignore[arg-type]

    def measures(self, ags: str, number: int | None = None) -> list[Measure]:
        with Session(self.service.engine) as session:
            loaded = self.service.load(session, ags, number=number, running=False)
            return self.measure_rows(session, loaded.cycle)

    @staticmethod
    def measure_rows(session: Session, cycle: Cycle) -> list[Measure]:
        return list(session.exec(select(Measure).where(Measure.cycle_id == cycle.id).order_by(col(Measure.id))))
