"""Migration 0006: addresses are folded to lower case, a person registered twice in different
letter case becomes one (roles united, consent only if both gave it), and the database refuses
an address that is not in lower case from then on."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engine.db.database import make_engine
from zyklus.schema import upgrade

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

STAMP = "2027-01-04 08:00:00"


def _person(conn, id_: int, email: str, roles: list[str], consent: bool, minute: int) -> None:  # noqa: ANN001
    conn.execute(text("INSERT INTO person (id, municipality_id, name, email, roles, consent_publish, language, "
                      "digest, created_at) VALUES (:id, 1, :n, :e, :r, :c, 'de', false, :t)"),
                 {"id": id_, "n": f"Person {id_}", "e": email, "r": json.dumps(roles), "c": consent,
                  "t": f"2027-01-04 08:{minute:02d}:00"})


def test_addresses_are_folded_and_case_duplicates_merged(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO municipality (id, ags, name, state, kind, catholic_holidays, created_at) "
                          "VALUES (1, '16051000', 'Erfurt', 'TH', 'stadt', false, :t)"), {"t": STAMP})
        _person(conn, 1, "Anna.Koch@erfurt.example", ["coordination"], True, 0)
        _person(conn, 2, "anna.koch@erfurt.example", ["mayor_office"], False, 5)
        _person(conn, 3, "Ben.Roth@erfurt.example", ["core_team"], True, 1)

    upgrade(engine)

    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, name, email, roles, consent_publish FROM person ORDER BY id")).all()
    people = [(r.id, r.name, r.email, sorted(json.loads(r.roles) if isinstance(r.roles, str) else r.roles),
               bool(r.consent_publish)) for r in rows]
    assert people == [(1, "Person 1", "anna.koch@erfurt.example", ["coordination", "mayor_office"], False),
                      (3, "Person 3", "ben.roth@erfurt.example", ["core_team"], True)]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _person(conn, 4, "Carla.Weiss@erfurt.example", ["core_team"], False, 9)
    engine.dispose()
