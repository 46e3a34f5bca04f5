"""Migration 0016: every indicator gets a publication lag (1, the reminders' old behaviour), an
adopted catalogue indicator its entry's; and the old catalogue's three errors are corrected in
adopted rows that still say what it said, while a municipality's own change is left alone."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from test_schema_migrations import _fill_first_schema

from engine.db.database import make_engine
from engine.indicators.catalogue import catalogue
from zyklus.schema import upgrade

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

OLD_UNEMPLOYMENT = 'Anteil der Arbeitslosen, die ein Jahr oder länger arbeitslos sind, an allen Arbeitslosen.'
ROWS = [  # (id, key, catalogue id, name, direction, definition)
    (1, 'frauen', 'frauenanteil-rat', 'Frauenanteil im Stadtrat / Kreistag', 'increase', 'alt'),
    (2, 'frauen-ziel', 'frauenanteil-rat', 'Frauenanteil im Stadtrat / Kreistag', 'increase', 'alt'),
    (3, 'langzeit', 'langzeitarbeitslose', 'Langzeitarbeitslosigkeit', 'decrease', OLD_UNEMPLOYMENT),
    (4, 'wasser', 'trinkwasserverbrauch', 'Wasser je Kopf', 'decrease', 'Unsere eigene Definition.'),
    (5, 'kinder', 'kinderarmut', 'Kinderarmut', 'decrease', 'Nicht erwerbsfähige …'),
    (7, 'kredite', 'kassenkredite', 'Kassenkredite', 'decrease', None),
    (6, 'rad', None, 'Radverkehrsanteil', 'increase', None),
]


def test_adopted_rows_get_their_lag_and_the_corrections(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine, "0015")
    _fill_first_schema(engine)
    with engine.begin() as conn:
        for row_id, key, catalogue_id, name, direction, definition in ROWS:
            conn.execute(text("INSERT INTO indicator (id, municipality_id, cycle_id, key, name, sdg, unit, decimals, "
                              "direction, definition, catalogue_id, values_due, created_at) VALUES (:id, 1, 1, :k, :n, "
                              "5, '%', 1, :d, :def, :c, '03-31', '2027-01-04 08:00:00')"),
                         {"id": row_id, "k": key, "n": name, "d": direction, "def": definition, "c": catalogue_id})
        conn.execute(text("INSERT INTO indicator_target (indicator_id, year, value) VALUES (2, 2030, 50)"))

    upgrade(engine)

    with engine.connect() as conn:
        rows = {r.key: r for r in conn.execute(text(
            "SELECT key, name, direction, band_low, band_high, definition, publication_lag FROM indicator"))}
    assert (rows["frauen"].direction, rows["frauen"].band_low, rows["frauen"].band_high) == ("band", 50.0, 50.0)
    assert rows["frauen-ziel"].direction == "increase"  # the council's own target stays; a band has none
    entries = catalogue()
    assert (rows["langzeit"].name, rows["langzeit"].definition) == (
        entries["langzeitarbeitslose"].spec.name, entries["langzeitarbeitslose"].spec.definition)
    assert (rows["wasser"].name, rows["wasser"].definition) == ("Wasser je Kopf", "Unsere eigene Definition.")
    assert {key: row.publication_lag for key, row in rows.items()} == {
        "frauen": 1, "frauen-ziel": 1, "langzeit": 1, "wasser": 3, "kinder": 2, "rad": 1, "kredite": 2}
    assert rows["kredite"].name == entries["kassenkredite"].spec.name == "Liquiditätskredite"  # the set's name
    assert rows["frauen"].name == entries["frauenanteil-rat"].spec.name
    assert rows["kinder"].publication_lag == entries["kinderarmut"].spec.publication_lag
    engine.dispose()
