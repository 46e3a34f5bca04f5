"""Migration 0003: indicators stored before they had a due date for their yearly values get the
default, 31 March, and are reminded of like new ones."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from test_schema_migrations import _fill_first_schema

from engine.clock import FixedClock
from engine.db.database import make_engine
from engine.definitions.loader import Catalog
from engine.indicators.programme import Programme
from engine.service import Service
from zyklus.schema import current_revision, upgrade

pytestmark = pytest.mark.both_databases  # the database is part of what is tested


def test_indicators_of_schema_0002_are_due_on_31_march(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine, "0002")
    _fill_first_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO indicator (municipality_id, cycle_id, key, name, sdg, unit, decimals, "
                          "direction, created_at) VALUES (1, 1, 'thg', 'THG-Emissionen', 13, 't', 1, 'decrease', "
                          "'2027-01-04 08:00:00')"))

    upgrade(engine)

    assert current_revision(engine) not in ("0001", "0002")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT values_due FROM indicator WHERE key = 'thg'")).scalar_one() == "03-31"
    service = Service(engine, Catalog(), FixedClock(dt.datetime(2027, 3, 1, 8, tzinfo=dt.timezone.utc)))
    programme = Programme(service)
    assert programme.set_values_due("16051000", "thg", "06-30", actor="p1@erfurt.example").values_due == "06-30"
    assert [v.row.values_due for v in programme.indicators("16051000")] == ["06-30"]
    engine.dispose()
