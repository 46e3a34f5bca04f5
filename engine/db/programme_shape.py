"""The action programme's structure as the guards see it (:class:`engine.snapshot.ProgrammeShape`),
read for many cycles in two statements, like the rest of ``Service.status_all``.

The statements are built once, at import: building them per call (an aliased table and its
column proxies) cost about 4 ms, more than running them, and every load of a cycle reads them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlmodel import col

from engine.db.indicator_tables import Goal, Measure
from engine.db.tables import Cycle
from engine.snapshot import GoalView, MeasureView, ProgrammeShape

_PARENT = aliased(Goal, name="parent_goal")
_GOAL_COLUMNS = (Goal.cycle_id, Goal.key, Goal.level, Goal.theme_field)
_MEASURE_COLUMNS = (Measure.cycle_id, Measure.key, Measure.theme_field, _PARENT.theme_field, Measure.costs,
                    Measure.staff)


def _goals_of(chosen: Select[Any]) -> Select[Any]:
    return chosen.with_only_columns(*_GOAL_COLUMNS).join(Goal, col(Goal.cycle_id) == Cycle.id).order_by(col(Goal.id))


def _measures_of(chosen: Select[Any]) -> Select[Any]:
    # A dropped measure is no longer part of the programme, so it does not count.
    return (chosen.with_only_columns(*_MEASURE_COLUMNS)
            .join(Measure, col(Measure.cycle_id) == Cycle.id)
            .outerjoin(_PARENT, col(_PARENT.id) == Measure.goal_id)
            .where(col(Measure.status) != "dropped").order_by(col(Measure.id)))


_LISTED = select(Cycle.id).select_from(Cycle).where(col(Cycle.id).in_(bindparam("cycles", expanding=True)))
_LISTED_GOALS = _goals_of(_LISTED)
_LISTED_MEASURES = _measures_of(_LISTED)


def programme_shapes(connection: Connection, chosen: Select[Any]) -> dict[int, ProgrammeShape]:
    """The structure of each cycle ``chosen`` reads (its FROM has the ``cycle`` table)."""
    return _shapes(connection.execute(_goals_of(chosen)).all(), connection.execute(_measures_of(chosen)).all())


def programme_shapes_of(connection: Connection, cycle_ids: Iterable[int]) -> dict[int, ProgrammeShape]:
    """The structure of the cycles with these ids, through the statements built at import."""
    params = {"cycles": list(cycle_ids)}
    if not params["cycles"]:
        return {}
    return _shapes(connection.execute(_LISTED_GOALS, params).all(), connection.execute(_LISTED_MEASURES, params).all())


def _shapes(goal_rows: Iterable[Any], measure_rows: Iterable[Any]) -> dict[int, ProgrammeShape]:
    goals: dict[int, list[GoalView]] = {}
    for cycle_id, key, level, theme in goal_rows:
        goals.setdefault(cycle_id, []).append(GoalView(key, level, theme))
    measures: dict[int, list[MeasureView]] = {}
    for cycle_id, key, own, inherited, costs, staff in measure_rows:
        measures.setdefault(cycle_id, []).append(MeasureView(key, own or inherited, bool(costs or staff)))
    return {cycle_id: ProgrammeShape(tuple(goals.get(cycle_id, ())), tuple(measures.get(cycle_id, ())))
            for cycle_id in goals.keys() | measures.keys()}
