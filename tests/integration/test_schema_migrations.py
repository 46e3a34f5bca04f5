"""Schema migrations: `zyklus init` brings a database of any earlier version to the newest schema
without losing a row, and the migrations describe exactly the schema the code expects."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from engine.clock import FixedClock
from engine.db.database import make_engine
from engine.definitions.loader import Catalog
from engine.service import Service
from zyklus.schema import current_revision, register_all_tables, upgrade

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


def _fill_first_schema(engine) -> None:  # noqa: ANN001
    """A municipality in the middle of its first cycle, as a 0001-era installation stored it."""
    definition = Catalog().load("kommune")
    stamp = "2027-01-04 08:00:00"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO municipality (id, ags, name, state, kind, catholic_holidays, created_at) "
                          "VALUES (1, '16051000', 'Erfurt', 'TH', 'stadt', false, :t)"), {"t": stamp})
        for i, (name, role) in enumerate([("Anna Koch", "coordination"), ("Ben Roth", "coordination"),
                                          ("Carla Weiß", "core_team")], start=1):
            conn.execute(text("INSERT INTO person (id, municipality_id, name, email, roles, consent_publish, "
                              "language, digest, created_at) VALUES (:id, 1, :n, :e, :r, false, 'de', false, :t)"),
                         {"id": i, "n": name, "e": f"p{i}@erfurt.example", "r": json.dumps([role]), "t": stamp})
        conn.execute(text("INSERT INTO definition_version (id, variant, version, body, created_at) "
                          "VALUES (1, 'kommune', :v, :b, :t)"),
                     {"v": definition.version, "b": definition.canonical_json, "t": stamp})
        conn.execute(text("INSERT INTO cycle (id, municipality_id, number, definition_id, phase, phase_entered_on, "
                          "due_on, status, started_on, lock_version) VALUES "
                          "(1, 1, 1, 1, 'inventory', '2027-02-01', '2027-08-02', 'running', '2027-01-04', 3)"))
        conn.execute(text("INSERT INTO fact (id, cycle_id, type, fields, \"on\", phase, actor, recorded_at) VALUES "
                          "(1, 1, 'public_information', :f, '2027-01-20', 'setup', 'p1@erfurt.example', :t)"),
                     {"f": json.dumps({"channel": "Presse"}), "t": stamp})
        for seq, (kind, src, dst) in enumerate([("start", None, "setup"), ("fact", None, None),
                                                ("transition", "setup", "inventory")], start=1):
            conn.execute(text("INSERT INTO history (id, cycle_id, seq, at, \"on\", actor, kind, from_phase, to_phase, "
                              "details) VALUES (:id, 1, :seq, :t, '2027-02-01', 'p1@erfurt.example', :k, :s, :d, '{}')"),
                         {"id": seq, "seq": seq, "t": stamp, "k": kind, "s": src, "d": dst})
        conn.execute(text("INSERT INTO timer (id, cycle_id, phase, kind, rule, occurrence, sequence, fire_on, fire_at, "
                          "due_on, roles) VALUES (1, 1, 'inventory', 'before', 'before:P30D', 1, 0, '2027-07-02', "
                          ":t, '2027-08-02', :r)"), {"t": "2027-07-02 05:00:00", "r": json.dumps(["coordination"])})
        conn.execute(text("INSERT INTO outbox (id, key, cycle_id, kind, recipient, recipient_name, language, subject, "
                          "text, message_id, status, attempts, next_attempt_at, created_at) VALUES "
                          "(1, '1:inventory:0:enter:1:p1@erfurt.example', 1, 'enter', 'p1@erfurt.example', 'Anna Koch', "
                          "'de', 'Neue Phase: Bestandsaufnahme (Erfurt)', 'Guten Tag', '<a@zyklus.local>', 'sent', 1, "
                          ":t, :t)"), {"t": stamp})
        if engine.dialect.name == "postgresql":  # rows written with explicit ids: move the sequences on
            for table in ("municipality", "person", "definition_version", "cycle", "fact", "history", "timer",
                          "outbox"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))


def _counts(engine) -> dict[str, int]:  # noqa: ANN001
    with engine.connect() as conn:
        return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("municipality", "person", "definition_version", "cycle", "fact", "history", "timer",
                              "outbox")}


def test_a_database_of_the_first_schema_is_upgraded_with_every_row(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    _fill_first_schema(engine)
    before = _counts(engine)

    upgrade(engine)  # what `zyklus init` does

    assert current_revision(engine) != "0001"
    assert _counts(engine) == before == {"municipality": 1, "person": 3, "definition_version": 1, "cycle": 1,
                                         "fact": 1, "history": 3, "timer": 1, "outbox": 1}
    # and the upgraded data works: the cycle moves on, its history continues where it was
    service = Service(engine, Catalog(), FixedClock(NOW))
    status = service.status("16051000")
    assert (status["phase"], status["due_on"], status["cycle"]) == ("inventory", "2027-08-02", 1)
    service.record("16051000", "inventory_report", actor="p1@erfurt.example", values={"title": "Bestand"},
                   on=dt.date(2027, 3, 1))
    assert service.advance("16051000", actor="p1@erfurt.example", on=dt.date(2027, 3, 1)).dest == "strategy"
    assert [row["seq"] for row in service.history("16051000")] == [1, 2, 3, 4, 5]
    engine.dispose()


def test_init_twice_is_harmless(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine)
    head = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == head
    engine.dispose()


def test_the_migrations_create_exactly_the_schema_the_code_declares(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine)
    register_all_tables()
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert differences == [], "a table changed without a migration: run alembic revision --autogenerate"
