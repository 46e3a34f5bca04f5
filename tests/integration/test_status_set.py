"""The status of many municipalities is one set-based read (``Service.status_all``) that says,
field by field, what ``Service.status`` says of each; its statements do not grow with the
number of municipalities; its filters narrow it in the database. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engine.clock import FixedClock
from engine.definitions.loader import Catalog
from engine.errors import InvalidInput, NotFound
from engine.service import Service
from engine_support import (AGS, NOW, PHASES, START, drive_to, make_service, plan_programme, record, record_phase,
                            register, setup_municipality, structure)

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

WEIMAR, JENA, GERA, SUHL, GOTHA = "16055000", "16053000", "16052000", "16054000", "16067072"
KOELN, MUENCHEN = "05315000", "09162000"
NO_CYCLE = "16056000"  # Eisenach: registered, nothing started


def _coordinated(service: Service, ags: str, name: str, state: str, *, workflow: str | None = None,
                 on: dt.date = START, domain: str | None = None) -> None:
    service.add_municipality(ags, name, state=state, kind="stadt")
    register(service, ags, structure(domain=domain or f"{ags}.example"))
    service.start_cycle(ags, workflow=workflow, on=on)


def _coordinator(ags: str) -> str:
    return f"koordination0@{ags}.example"


def _completed(service: Service, ags: str, name: str, workflow: str | None = None) -> None:
    """A first cycle driven through every phase of ``workflow`` (gnk-thueringen by default) into
    ``completed``; gnk-thueringen begins the next cycle at once, ``zweijahre`` two years on."""
    _coordinated(service, ags, name, "TH", workflow=workflow)
    phases = PHASES if workflow is None else PHASES[1:]  # kommune's variants begin with setup
    on = START
    for phase in phases:
        on += dt.timedelta(days=30)
        record_phase(service, phase, ags=ags, actor=_coordinator(ags), on=on)
        service.advance(ags, actor=_coordinator(ags), on=on)


def populate(service: Service) -> list[str]:
    """Municipalities in as many situations as a status can show; returns their AGS."""
    # application, one fact of three recorded: fact_recorded guards unmet
    setup_municipality(service)
    record(service, "application", on=START)
    # strategy with two workshops of four and a programme for one of the two theme fields:
    # fact_count and programme_structure unmet
    _coordinated(service, WEIMAR, "Weimar", "TH")
    drive_to(service, "strategy", ags=WEIMAR, actor=_coordinator(WEIMAR))
    for _ in range(2):
        record(service, "workshop", ags=WEIMAR, actor=_coordinator(WEIMAR), on=START + dt.timedelta(days=130))
    record(service, "action_programme", ags=WEIMAR, actor=_coordinator(WEIMAR), on=START + dt.timedelta(days=131))
    plan_programme(service, ags=WEIMAR, actor=_coordinator(WEIMAR), themes=("Klima und Energie",))
    # setup with a single coordinator and nobody else: role_count unmet
    service.add_municipality(JENA, "Jena", state="TH", kind="stadt")
    register(service, JENA, structure(coordination=1, core_team=0, steering_group=0, domain=f"{JENA}.example"))
    service.start_cycle(JENA, on=START)
    drive_to(service, "setup", ags=JENA, actor=_coordinator(JENA))
    # started a year before today: overdue
    _coordinated(service, GERA, "Gera", "TH", on=START - dt.timedelta(days=365))
    # completed, the next cycle due in two years
    _completed(service, SUHL, "Suhl", "zweijahre")
    # completed and restarted at once: the latest cycle is number 2
    _completed(service, GOTHA, "Gotha")
    # other workflows, other Länder
    _coordinated(service, KOELN, "Köln", "NW", workflow="gnk-nrw")
    _coordinated(service, MUENCHEN, "München", "BY", workflow="kommune")
    service.add_municipality(NO_CYCLE, "Eisenach", state="TH", kind="stadt")
    return [AGS, WEIMAR, JENA, GERA, SUHL, GOTHA, KOELN, MUENCHEN, NO_CYCLE]


@pytest.fixture(scope="module")
def populated(shared_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The population on a service that also knows ``zweijahre``: a cycle that stays completed.
    Built once per module and database: the tests that take it only read."""
    folder = tmp_path_factory.mktemp("workflows")
    (folder / "zweijahre.toml").write_text(
        'name = "zweijahre"\nextends = "kommune"\n[restart]\nphase = "strategy"\n'
        'anchor = "previous_start"\nafter = "P2Y"\n', encoding="utf-8")
    service = make_service(shared_database_url, FixedClock(NOW), Catalog([folder]))
    populate(service)
    yield service
    service.engine.dispose()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_set_says_of_every_municipality_what_status_says(populated: Service, lang: str) -> None:
    service = populated.in_language(lang)  # type: ignore[arg-type]
    rows = service.status_all()
    assert [r["ags"] for r in rows] == sorted(r["ags"] for r in rows)
    by_ags = {r["ags"]: r for r in rows}
    assert len(by_ags) == 9
    for ags, row in by_ags.items():
        if ags == NO_CYCLE:
            with pytest.raises(NotFound):
                service.status(ags)
            assert row == {"ags": NO_CYCLE, "name": "Eisenach", "cycle": None}
            continue
        single = service.status(ags)
        assert sorted(row) == sorted(single), ags
        for field in single:
            assert row[field] == single[field], (ags, field)
    # the population covers what it claims to
    unmet = {g["type"] for r in rows if r["cycle"] for g in r["unmet"]}
    assert unmet == {"fact_recorded", "fact_count", "programme_structure", "role_count"}
    assert by_ags[GERA]["overdue"] and not by_ags[AGS]["overdue"]
    assert by_ags[SUHL]["cycle_status"] == "completed" and by_ags[SUHL]["restart_on"]
    assert (by_ags[GOTHA]["cycle"], by_ags[GOTHA]["phase"]) == (2, "strategy")
    assert {r["workflow"] for r in rows if r["cycle"]} == {"gnk-thueringen", "gnk-nrw", "kommune", "zweijahre"}
    assert all(dt.datetime.fromisoformat(r["last_activity"]).tzinfo for r in rows if r["cycle"])


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements_of_status_all(url: str, clock: FixedClock) -> tuple[int, int]:
    """(statements, municipalities) of one status_all by a fresh service: nothing parsed yet."""
    service = make_service(url, clock)
    try:
        with _statements(service.engine) as seen:
            rows = service.status_all()
        return len(seen), len(rows)
    finally:
        service.engine.dispose()


def test_the_statements_do_not_grow_with_the_municipalities(engine_service: Service, engine_db: str,
                                                             engine_clock: FixedClock) -> None:
    def add(first: int, last: int) -> None:
        for i in range(first, last):
            ags = f"16{i:03d}000"
            _coordinated(engine_service, ags, f"Kommune {i}", "TH", domain=f"k{i}.example")
            engine_service.record(ags, "application", actor=f"koordination0@k{i}.example",
                                  values={"date": "2027-01-10"}, on=START)

    add(0, 5)
    engine_service.add_municipality("16999000", "Ohne Zyklus", state="TH", kind="gemeinde")
    few, rows = _statements_of_status_all(engine_db, engine_clock)
    assert rows == 6
    add(5, 20)
    many, rows = _statements_of_status_all(engine_db, engine_clock)
    assert rows == 21
    assert few == many
    assert many <= 8  # municipalities with cycles, facts, people, history, goals, measures, the one definition
    # (+ a pragma)


def test_the_read_of_all_runs_without_the_cyclic_collector(populated: Service) -> None:
    """The collector is paused for the read (engine.collector): at every statement the read
    sends, it is off; after the read it runs again."""
    running: list[bool] = []

    def note(*_: object) -> None:
        running.append(gc.isenabled())

    event.listen(populated.engine, "before_cursor_execute", note)
    try:
        rows = populated.status_all()
    finally:
        event.remove(populated.engine, "before_cursor_execute", note)
    assert rows and running and not any(running) and gc.isenabled()


def _ags(rows: list[dict]) -> list[str]:
    return [r["ags"] for r in rows]


def test_filter_by_the_municipalities_a_caller_may_see(populated: Service) -> None:
    assert _ags(populated.status_all(ags=[WEIMAR, NO_CYCLE, " " + KOELN])) == [KOELN, WEIMAR, NO_CYCLE]
    assert _ags(populated.status_all(ags=iter([GERA]))) == [GERA]
    assert populated.status_all(ags=[]) == []
    assert populated.status_all(ags=["16099999"]) == []  # unknown: nothing to see, no error
    with pytest.raises(InvalidInput):
        populated.status_all(ags=["1605100"])


def test_filter_by_land(populated: Service) -> None:
    assert _ags(populated.status_all(state="NW")) == [KOELN]
    assert _ags(populated.status_all(state="by")) == [MUENCHEN]
    assert NO_CYCLE in _ags(populated.status_all(state="TH"))
    with pytest.raises(InvalidInput):
        populated.status_all(state="XX")


def test_filter_by_workflow(populated: Service) -> None:
    assert _ags(populated.status_all(workflow="gnk-nrw")) == [KOELN]
    assert _ags(populated.status_all(workflow="kommune")) == [MUENCHEN]
    assert _ags(populated.status_all(workflow="gnk-thueringen")) == [AGS, GERA, JENA, WEIMAR, GOTHA]
    assert _ags(populated.status_all(workflow="zweijahre")) == [SUHL]
    assert populated.status_all(workflow="landkreis") == []


def test_filter_by_phase(populated: Service) -> None:
    assert _ags(populated.status_all(phase="strategy")) == [WEIMAR, GOTHA]
    assert _ags(populated.status_all(phase="completed")) == [SUHL]
    assert _ags(populated.status_all(phase="setup")) == [MUENCHEN, JENA]
    assert KOELN in _ags(populated.status_all(phase="application"))  # gnk-nrw begins with the application to LAG 21


def test_filter_by_overdue(populated: Service) -> None:
    assert _ags(populated.status_all(overdue=True)) == [GERA]
    not_overdue = _ags(populated.status_all(overdue=False))
    assert GERA not in not_overdue and NO_CYCLE not in not_overdue and len(not_overdue) == 7


def test_filters_combine_and_match_the_rows_they_return(populated: Service) -> None:
    rows = populated.status_all(ags=[AGS, WEIMAR, GOTHA, KOELN], state="TH", workflow="gnk-thueringen",
                                phase="strategy", overdue=False)
    assert _ags(rows) == [WEIMAR, GOTHA]
    assert rows == [r for r in populated.status_all() if r["ags"] in (WEIMAR, GOTHA)]
