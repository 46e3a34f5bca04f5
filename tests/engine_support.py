"""Helpers for the engine tests: a service on a real SQLite file, gnk-thueringen data, replay.

Plain functions (imported by the test modules and by the engine fixtures in conftest.py), so
a test reads as the steps a coordinator takes: register, start, record, advance.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from engine.clock import FixedClock
from engine.db.database import make_engine
from engine.db.tables import Cycle, Fact, History
from engine.definitions.loader import Catalog
from engine.service import Service

AGS = "16051000"  # Erfurt, kreisfreie Stadt in Thüringen
OTHER_AGS = "16055000"  # Weimar
START = dt.date(2027, 1, 4)
NOW = dt.datetime(2027, 1, 4, 8, 0, tzinfo=dt.timezone.utc)
COORDINATOR = "anna.koordination@erfurt.de"
DEPUTY = "bernd.koordination@erfurt.de"
STEERING_ONLY = "sigrid.steuerung@erfurt.de"

PHASES = ("application", "setup", "inventory", "strategy", "council_resolution", "implementation", "evaluation")
"""The phases of gnk-thueringen in the order a first cycle meets them."""

# Values that satisfy every field (required or not) of each fact type of gnk-thueringen.
FACT_VALUES: dict[str, dict[str, str]] = {
    "application": {"date": "2027-01-10", "url": "https://erfurt.de/gnk/bewerbung.pdf"},
    "letter_of_intent": {"signed_by": "Oberbürgermeister", "date": "2027-01-08"},
    "participation_resolution": {"date": "2027-02-15", "body": "Stadtrat", "reference": "DS 0123/27",
                                 "result": "adopted", "agenda_item": "TOP 7", "committees": "Hauptausschuss",
                                 "votes_yes": "38", "votes_no": "5", "abstentions": "2"},
    "public_information": {"channel": "Pressemitteilung und Website"},
    "inventory_report": {"title": "Bestandsaufnahme 2027", "theme_fields": "Klima und Energie; Mobilität"},
    "workshop": {"topic": "Leitlinien", "participants": "18"},
    "action_programme": {
        "title": "Handlungsprogramm Nachhaltigkeit", "guidelines": "Leitlinien",
        "strategic_goals": "Strategische Ziele", "operative_goals": "Operative Ziele",
        "measures": "Maßnahmen", "resources": "Ressourcenplanung", "indicators": "Indikatoren",
    },
    "council_resolution": {"date": "2028-03-09", "body": "Stadtrat", "reference": "DS 0371/27",
                           "result": "adopted_amended", "agenda_item": "TOP 4.2",
                           "committees": "Ausschuss für Umwelt und Klimaschutz; Hauptausschuss",
                           "votes_yes": "41", "votes_no": "3", "abstentions": "4"},
    "monitoring_report": {"period": "2028"},
    "evaluation": {"summary": "Ziele überwiegend erreicht"},
    "report_published": {"date": "2030-05-01", "where": "Amtsblatt und Website"},
}

# Everything each phase needs so that its transition passes without a single warning.
PHASE_FACTS: dict[str, tuple[str, ...]] = {
    "application": ("application", "letter_of_intent", "participation_resolution"),
    "setup": ("public_information",),
    "inventory": ("inventory_report",),
    "strategy": ("workshop",) * 4 + ("action_programme",),
    "council_resolution": ("council_resolution",),
    "implementation": ("monitoring_report",),
    "evaluation": ("evaluation", "report_published"),
}


def make_service(url: str, clock: FixedClock, catalog: Catalog | None = None, *, lang: str = "de") -> Service:
    """A service on a real database, schema created; each call has its own engine (connections)."""
    from zyklus.schema import register_all_tables

    register_all_tables()  # the whole schema, not only what this test process happened to import
    service = Service(make_engine(url), catalog or Catalog(), clock, lang=lang)  # type: ignore[arg-type]
    service.init_db()
    return service


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Member:
    name: str
    email: str
    roles: tuple[str, ...]


def structure(coordination: int = 2, core_team: int = 4, steering_group: int = 9,
              domain: str = "erfurt.de") -> list[Member]:
    """People registered with exactly one role each. With nesting the defaults count as
    coordination 2, core team 6, steering group 15: inside every bound of gnk-thueringen."""
    people: list[Member] = []
    emails = iter((COORDINATOR, DEPUTY)) if domain == "erfurt.de" else iter(())
    for i in range(coordination):
        email = next(emails, f"koordination{i}@{domain}")
        people.append(Member(f"Koordination {i}", email, ("coordination",)))
    people += [Member(f"Kernteam {i}", f"kernteam{i}@{domain}", ("core_team",)) for i in range(core_team)]
    people += [Member(f"Steuerung {i}", f"steuerung{i}@{domain}", ("steering_group",)) for i in range(steering_group)]
    return people


def register(service: Service, ags: str, people: Iterable[Member]) -> None:
    for m in people:
        service.add_person(ags, name=m.name, email=m.email, roles=list(m.roles))


def setup_municipality(service: Service, ags: str = AGS, name: str = "Erfurt",
                       people: Sequence[Member] | None = None, *, start: bool = True,
                       on: dt.date = START) -> None:
    service.add_municipality(ags, name, state="TH", kind="stadt")
    register(service, ags, structure() if people is None else people)
    if start:
        service.start_cycle(ags, on=on)


def record(service: Service, fact: str, *, ags: str = AGS, actor: str = COORDINATOR,
           on: dt.date | None = None, **overrides: str) -> None:
    """Record ``fact`` as it happened ``on`` that day. What happened cannot be dated after today,
    so a test's story that runs ahead of its FixedClock records the fact with the clock on that
    day (09:00 local) and puts the clock back afterwards: the rest of the test keeps its today."""
    values = {**FACT_VALUES[fact], **overrides}
    with on_the_day(service, on):
        service.record(ags, fact, actor=actor, values={k: v for k, v in values.items() if v is not None}, on=on)


@contextmanager
def on_the_day(service: Service, on: dt.date | None) -> Iterator[None]:
    """The service's FixedClock on ``on`` (09:00 local) while the block runs, when ``on`` lies
    after the clock's today; else the clock as it is."""
    clock = service.clock
    if on is None or not isinstance(clock, FixedClock) or on <= service.today():
        yield
        return
    kept = clock.moment
    clock.moment = dt.datetime.combine(on, dt.time(9), tzinfo=service.tz)
    try:
        yield
    finally:
        clock.moment = kept


def plan_programme(service: Service, *, ags: str = AGS, actor: str = COORDINATOR,
                   themes: Iterable[str] = ("Klima und Energie", "Mobilität")) -> None:
    """Complete the action programme for the inventory's theme fields (FACT_VALUES) as the
    shipped variants' structure guard wants it: per theme field a Leitlinie, a strategic and an
    operative goal and a measure with resources. Only what is missing is added (a measure of the
    theme without resources gets costs), so a test's own programme keeps its counts."""
    from engine.indicators.programme import Programme

    programme = Programme(service)
    goals = programme.goals(ags)
    measures = [m for m in programme.measures(ags) if m.status != "dropped"]
    for n, theme in enumerate(themes, 1):
        parent = None
        for level, prefix in (("guideline", "ll"), ("strategic", "sz"), ("operative", "oz")):
            have = [g for g in goals if g.theme_field == theme and g.level == level]
            if have:
                parent = have[0].key
                continue
            parent = programme.add_goal(ags, f"{prefix}-{n}", title=f"{level} {theme}", theme_field=theme,
                                        level=level, parent=parent, target_year="2030", actor=actor).key
        mine = [m for m in measures if m.theme_field == theme]
        if not mine:
            programme.add_measure(ags, f"m-{n}", title=f"Maßnahme {theme}", goal=parent, costs="10000", actor=actor)
        elif not any(m.costs or m.staff for m in mine):
            programme.update_measure(ags, mine[0].key, costs="10000", actor=actor)


def record_phase(service: Service, phase: str, *, ags: str = AGS, actor: str = COORDINATOR,
                 on: dt.date | None = None, skip: Iterable[str] = ()) -> None:
    """Record what ``phase`` needs; the strategy phase also gets its programme's structure."""
    if phase == "strategy" and "programme" not in skip:
        plan_programme(service, ags=ags, actor=actor)
    skipped = list(skip)
    for fact in PHASE_FACTS[phase]:
        if fact in skipped:
            skipped.remove(fact)  # skip one occurrence (one of the four workshops, say)
            continue
        record(service, fact, ags=ags, actor=actor, on=on)


def drive_to(service: Service, phase: str, *, ags: str = AGS, actor: str = COORDINATOR,
             start: dt.date = START) -> dt.date:
    """Complete every phase before ``phase`` (first cycle); return the day ``phase`` was entered."""
    on = start
    for current in PHASES[:PHASES.index(phase)]:
        on = on + dt.timedelta(days=30)
        record_phase(service, current, ags=ags, actor=actor, on=on)
        service.advance(ags, actor=actor, on=on)
    return on


# -- reading the database directly (to check what the service wrote) -----------------------------
def cycles(service: Service, ags: str = AGS) -> list[Cycle]:
    from engine.db.tables import Municipality

    with Session(service.engine) as session:
        municipality = session.exec(select(Municipality).where(Municipality.ags == ags)).one()
        return list(session.exec(select(Cycle).where(Cycle.municipality_id == municipality.id)
                                 .order_by(Cycle.number)))


def history_rows(service: Service, cycle_id: int) -> list[History]:
    with Session(service.engine) as session:
        return list(session.exec(select(History).where(History.cycle_id == cycle_id).order_by(History.seq)))


def facts(service: Service, cycle_id: int) -> list[Fact]:
    with Session(service.engine) as session:
        return list(session.exec(select(Fact).where(Fact.cycle_id == cycle_id).order_by(Fact.id)))


def replay_phase(rows: Iterable[History]) -> str | None:
    """The phase a cycle is in according to its history alone (start, transition, complete).
    Raises AssertionError when a row does not continue from where the previous one left off."""
    phase: str | None = None
    for row in rows:
        if row.kind == "start":
            assert phase is None, f"second start row (seq {row.seq})"
            phase = row.to_phase
        elif row.kind in ("transition", "complete"):
            assert row.from_phase == phase, f"seq {row.seq} leaves {row.from_phase!r}, cycle was in {phase!r}"
            phase = row.to_phase
    return phase


def dump(database: Path | str) -> list[str]:
    """The database's content as text, to show that a refused command changed nothing: a SQLite
    file (path or URL) as its SQL dump, a PostgreSQL URL as every row of every table, in order."""
    target = str(database)
    if not target.startswith("postgresql"):
        connection = sqlite3.connect(target.removeprefix("sqlite:///"))
        try:
            return list(connection.iterdump())
        finally:
            connection.close()
    from sqlalchemy import MetaData, create_engine, select as sa_select

    engine = create_engine(target)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        lines = []
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                rows = conn.execute(sa_select(table).order_by(*table.primary_key.columns)).all()
                lines += [f"{table.name}: {tuple(row)!r}" for row in rows]
        return lines
    finally:
        engine.dispose()


# -- the CLI as a user types it -------------------------------------------------------------------
CLI_NOW = "2027-03-01T09:00"


def cli_env(**extra: str) -> dict[str, str]:
    """A clean environment: no ZYKLUS_* of the developer's shell, no terminal width (so output is
    wrapped as in a pipe), and a fixed `now` so "today" does not depend on the wall clock."""
    return {"PATH": "/usr/bin:/bin", "ZYKLUS_NOW": CLI_NOW, **extra}


def zyklus(*args: str, cwd: Path, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the CLI in this process, as a user would in ``cwd`` with ``env`` as the whole
    environment for zyklus: ~0.1 s a call instead of ~2 s for a fresh interpreter.

    It calls the same ``zyklus.main.run`` the console script calls, so the error mapping is the
    one users get. Variables of the developer's shell that zyklus reads (ZYKLUS_*) are removed for
    the call, as a fresh process with ``env`` would not see them; an exception that escapes is
    printed as a traceback with exit 1, as Python would. A handful of tests keep the real
    subprocess (:func:`zyklus_subprocess`) to show the installed entry point works.
    """
    import os
    import traceback

    from typer.testing import CliRunner

    from zyklus.main import run

    wanted = dict(env or cli_env())
    wanted.pop("PATH", None)
    overrides: dict[str, str | None] = {name: None for name in os.environ if name.startswith("ZYKLUS_")}
    overrides.update({"COLUMNS": "80", **wanted})
    from zyklus.cli.common import console

    console.width = int(overrides["COLUMNS"] or 80)  # a process reads COLUMNS once, at its start; so does this call
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with CliRunner().isolation(env=overrides) as (stdout, stderr, _):
            try:
                code = run(list(args))
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            except Exception:  # noqa: BLE001 - a bug in zyklus: shown as the interpreter would
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            out, err = stdout.getvalue().decode("utf-8"), stderr.getvalue().decode("utf-8", "backslashreplace")
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["zyklus", *args], code, out, err)


def exit_code(*args: str) -> int:
    """The console script in this process as a test that reads capsys wants it: the code it
    returns, or the one click's SystemExit carries (a successful command ends that way)."""
    from zyklus.main import run

    try:
        return run(list(args))
    except SystemExit as exit_:
        return int(exit_.code or 0)


def zyklus_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None,
                      timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The CLI as a separate interpreter: for the smoke tests of the real entry point and for
    tests that kill or run processes side by side."""
    return subprocess.run([sys.executable, "-m", "zyklus.main", *args], cwd=cwd, env=env or cli_env(),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def cheap_password_hasher():  # noqa: ANN201 - argon2 is imported only where accounts are tested
    """argon2id at its smallest costs, for the doors of the tests that sign in: the algorithm and
    hash format of production's defaults (tests/integration/test_accounts.py checks those), at a
    fraction of a millisecond instead of a quarter second per hash."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def require_weasyprint() -> None:
    """Skip a PDF test where WeasyPrint or its system libraries (Pango) are missing — a fresh
    machine with only Python and pip — saying how to enable it; in CI (``CI=true``, .ci/run,
    where chromium brings Pango) a missing piece fails the test instead of hiding it."""
    import os

    import pytest

    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        message = f"PDF tests need WeasyPrint and Pango ({str(exc).splitlines()[0] if str(exc) else exc}): " \
                  "pip install 'zyklus[pdf]' and Debian's libpango-1.0-0"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def cli_in(folder: Path):  # noqa: ANN201 - a function of the test's own shape
    """``run(*args, code=0)``: the CLI in ``folder`` (in this process, a clean environment),
    asserting the exit code; what it printed to stdout, or to stderr when it was to fail."""
    def run(*args: str, code: int = 0) -> str:
        result = zyklus(*args, cwd=folder, env=cli_env())
        assert result.returncode == code, (args, result.stdout, result.stderr)
        return result.stdout if code == 0 else result.stderr

    return run


def start_erfurt_by_cli(run) -> None:  # noqa: ANN001 - a cli_in runner
    """A new database with Erfurt, its coordinator anna@erfurt.example and a first cycle of the
    default workflow from 04.01.2027, typed as an administrator would."""
    run("init")
    run("municipality", "add", AGS, "Erfurt")
    run("person", "add", AGS, "--name", "Anna Koch", "--email", "anna@erfurt.example", "--role", "coordination")
    run("cycle", "start", AGS, "--on", "2027-01-04")
