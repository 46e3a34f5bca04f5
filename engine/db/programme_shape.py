"""The action programme's structure as the guards see it (:class:`engine.snapshot.ProgrammeShape`),
read for many cycles in two statements, like the rest of ``Service.status_all``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlmodel import col

from engine.db.indicator_tables import Goal, Measure
from engine.db.tables import Cycle
from engine.snapshot import GoalView, MeasureView, ProgrammeShape


def programme_shapes(connection: Connection, chosen: Select[Any]) -> dict[int, ProgrammeShape]:
    """The structure of each cycle ``chosen`` reads (its FROM has the ``cycle`` table). A dropped
    measure is no longer part of the programme, so it does not count."""
    goals: dict[int, list[GoalView]] = {}
    for cycle_id, key, level, theme in connection.execute(
            chosen.with_only_columns(Goal.cycle_id, Goal.key, Goal.level, Goal.theme_field)
            .join(Goal, col(Goal.cycle_id) == Cycle.id).order_by(col(Goal.id))).all():
        goals.setdefault(cycle_id, []).append(GoalView(key, level, theme))
    measures: dict[int, list[MeasureView]] = {}
    parent = aliased(Goal)
    for cycle_id, key, own, inherited, costs, staff in connection.execute(
            chosen.with_only_columns(Measure.cycle_id, Measure.key, Measure.theme_field, parent.theme_field,
                                     Measure.costs, Measure.staff)
            .join(Measure, col(Measure.cycle_id) == Cycle.id)
            .outerjoin(parent, col(parent.id) == Measure.goal_id)
            .where(col(Measure.status) != "dropped").order_by(col(Measure.id))).all():
        measures.setdefault(cycle_id, []).append(MeasureView(key, own or inherited, bool(costs or staff)))
    return {cycle_id: ProgrammeShape(tuple(goals.get(cycle_id, ())), tuple(measures.get(cycle_id, ())))
            for cycle_id in goals.keys() | measures.keys()}
