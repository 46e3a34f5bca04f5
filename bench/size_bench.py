"""Benchmark 6: database bytes per cycle-year, so an operator can plan storage.

M municipalities run a whole GNK Thüringen cycle (about four and a half years) through the real
service in simulated time: facts recorded two weeks into each phase, the phase advanced ten days
before its due date, a reminder sweep every week that composes and "sends" the mails (a
transport that answers 250 for each, so the outbox rows end as they do in production). The
growth of the SQLite file (WAL checkpointed) is divided by the cycle-years simulated.

Baseline in the same run: the payload itself — the bytes of every value in the rows of every
table that grew (history, facts, timers, outbox, the programme's goals and measures, …) — so the
ratio is SQLite's overhead (pages, indexes).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import TZ, Result
from bench.seed import PHASE_FACTS, service_for
from engine.clock import FixedClock
from notifications.mail import OutgoingMail
from notifications.setup import sweeper_for
from notifications.smtp import DeliveryOutcome, OutcomeSink
from zyklus.config import load_settings

START = dt.date(2027, 1, 4)
FACTS: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    **PHASE_FACTS,
    "setup": (("public_information", {"channel": "Pressemitteilung und Website"}),),
    "evaluation": (("evaluation", {"summary": "18 von 24 Indikatoren auf Kurs"}),
                   ("report_published", {"date": "2031-03-31", "where": "Amtsblatt und Website"})),
}
PEOPLE = ([("koordination", ["coordination"]), ("stellvertretung", ["coordination"]), ("kernteam", ["core_team"]),
           ("buero-ob", ["mayor_office"])] + [(f"sg{i}", ["steering_group"]) for i in range(1, 9)])


def accept_all(mails: Sequence[OutgoingMail], on_outcome: OutcomeSink) -> None:
    for mail in mails:
        on_outcome(DeliveryOutcome(mail.key, "sent", "250 2.0.0 Ok: queued as BENCH"))


def _file_bytes(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return os.path.getsize(path)


def _payload(path: Path) -> dict[str, dict[str, int]]:
    """Rows and value bytes (text and blobs by length, numbers as 8 bytes) of every table."""
    out = {}
    with sqlite3.connect(path) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            rows, size = 0, 0
            for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 (fixed table names)
                rows += 1
                size += sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row if v is not None)
            out[table] = {"rows": rows, "bytes": size}
    conn.close()
    return out


def simulate(path: Path, municipalities: int) -> dict[str, Any]:
    clock = FixedClock(dt.datetime.combine(START, dt.time(9), tzinfo=TZ))
    service = service_for(path, clock)
    service.init_db()
    sweeper = sweeper_for(service, load_settings(None), transport=accept_all)
    plan: dict[str, list[tuple[dt.date, str, Any]]] = {}
    for i in range(municipalities):
        ags = f"16{900000 + i:06d}"
        service.add_municipality(ags, f"Simulationsstadt {i}", state="TH", kind="stadt")
        for local, roles in PEOPLE:
            service.add_person(ags, name=f"{local} {i}", email=f"{local}@sim{i}.example", roles=roles)
        begin = START + dt.timedelta(days=i % 7)
        service.start_cycle(ags, workflow="gnk-thueringen", on=begin)
        plan[ags] = [(begin, "phase", None)]
    before = _file_bytes(path), _payload(path)
    day, end = START, START + dt.timedelta(days=int(4.6 * 365))
    while day <= end:
        clock.moment = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
        for ags, actions in plan.items():
            _act(service, ags, actions, day)
        if (day - START).days % 7 == 0:
            sweeper.sweep()
        day += dt.timedelta(days=1)
    after = _file_bytes(path), _payload(path)
    service.engine.dispose()
    years = municipalities * ((end - START).days + 1) / 365.25
    payload = {t: {"rows": after[1][t]["rows"] - before[1][t]["rows"],
                   "bytes": after[1][t]["bytes"] - before[1][t]["bytes"]}
               for t in after[1] if after[1][t]["rows"] > before[1][t]["rows"]}
    return {"municipalities": municipalities, "cycle_years": years, "file_growth": after[0] - before[0],
            "payload": payload, "payload_bytes": sum(p["bytes"] for p in payload.values()),
            "file_bytes_after": after[0]}


def _act(service: Any, ags: str, actions: list[tuple[dt.date, str, Any]], day: dt.date) -> None:
    """Run what is due today for one municipality: when a phase begins, schedule its facts two
    weeks in and the advance ten days before the due date (at least three weeks in)."""
    while actions and actions[0][0] <= day:
        _, kind, arg = actions.pop(0)
        if kind == "phase":
            status = service.status(ags)
            phase, due = status["phase"], status["due_on"]
            facts = FACTS.get(phase, ())
            actions.extend((day + dt.timedelta(days=14), "fact", fact) for fact in facts)
            advance_on = day + dt.timedelta(days=21)
            if due:
                advance_on = max(advance_on, dt.date.fromisoformat(due) - dt.timedelta(days=10))
            if phase == "strategy":  # the structure guard wants the programme's tree by then
                actions.append((day + dt.timedelta(days=14), "programme", None))
            actions.append((advance_on, "advance", None))
            actions.sort(key=lambda a: a[0])
        elif kind == "fact":
            fact, values = arg
            service.record(ags, fact, actor=f"koordination@{ags_domain(ags)}", values=values, on=day)
        elif kind == "programme":
            _plan_programme(service, ags)
        elif kind == "advance":
            service.advance(ags, actor=f"koordination@{ags_domain(ags)}", on=day)
            actions.append((day, "phase", None))


def _plan_programme(service: Any, ags: str) -> None:
    """The smallest programme the strategy phase's structure guard passes for the inventory's
    theme fields (bench.seed: „Klima; Mobilität“): per theme a Leitlinie, a strategic and an
    operative goal, and a measure with planned costs. The next cycle carries it over: then there
    is nothing to add."""
    from engine.indicators.programme import Programme

    programme, actor = Programme(service), f"koordination@{ags_domain(ags)}"
    if programme.goals(ags):
        return
    for n, theme in enumerate(("Klima", "Mobilität"), 1):
        parent = None
        for level, prefix in (("guideline", "ll"), ("strategic", "sz"), ("operative", "oz")):
            parent = programme.add_goal(ags, f"{prefix}-{n}", title=f"{prefix} {theme}", theme_field=theme,
                                        level=level, parent=parent, target_year=2030, actor=actor).key
        programme.add_measure(ags, f"m-{n}", title=f"Maßnahme {theme}", goal=parent, costs=10_000.0, actor=actor)


def ags_domain(ags: str) -> str:
    return f"sim{int(ags[2:]) - 900000}.example"


def run(municipalities: int, log: Callable[[str], None]) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="zyklus-bench-size-") as tmp:
        figures = simulate(Path(tmp) / "size.db", municipalities)
    per_year = figures["file_growth"] / figures["cycle_years"]
    payload_per_year = figures["payload_bytes"] / figures["cycle_years"]
    rows_per_year = {t: p["rows"] / figures["cycle_years"] for t, p in figures["payload"].items()}
    log(f"    {municipalities} municipalities, {figures['cycle_years']:.0f} cycle-years: file grew "
        f"{figures['file_growth'] / 1e6:.1f} MB → {per_year / 1024:.0f} KiB per cycle-year "
        f"(payload {payload_per_year / 1024:.0f} KiB); rows per cycle-year: "
        + ", ".join(f"{t} {n:.1f}" for t, n in rows_per_year.items()))
    details = {**figures, "bytes_per_cycle_year": per_year, "payload_per_cycle_year": payload_per_year,
               "rows_per_cycle_year": rows_per_year,
               "national_10800_x_10_years_gb": per_year * 10_800 * 10 / 1e9}
    return [Result("6 size", "bytes per cycle-year", per_year, "B", payload_per_year, "payload bytes", "–", None,
                   higher_is_better=False, details=details)]
