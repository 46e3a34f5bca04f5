"""Two coordinators advance the same cycle at the same moment: exactly one wins.

Two Service instances (two engines, two connection pools) on one SQLite file, each in its own
thread, as two `zyklus advance` processes would be. A threading.Barrier in SQLAlchemy's
``before_cursor_execute`` hook holds each thread just before its first write to the cycle, so
both have read the same lock version before either writes; no engine part is replaced.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from engine.clock import FixedClock
from engine.errors import Conflict
from engine.service import Service
from engine_support import (AGS, COORDINATOR, DEPUTY, cycles, history_rows, make_service, record, record_phase,
                            setup_municipality)

pytestmark = pytest.mark.both_databases  # the database is part of what is tested


def hold_before_first_cycle_write(service: Service, barrier: threading.Barrier) -> None:
    waited = threading.Event()

    @event.listens_for(service.engine, "before_cursor_execute")
    def _hold(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE CYCLE") and not waited.is_set():
            waited.set()
            barrier.wait(timeout=20)


def race(services: list[Service], action: Callable[[Service, str], Any], actors: list[str]) -> list[Any]:
    barrier = threading.Barrier(len(services))
    for service in services:
        hold_before_first_cycle_write(service, barrier)
    outcomes: list[Any] = [None] * len(services)

    def run(i: int) -> None:
        try:
            outcomes[i] = action(services[i], actors[i])
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(services))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not barrier.broken, "one thread never reached its write"
    return outcomes


@pytest.fixture
def two_services(database_url: str, engine_clock: FixedClock) -> list[Service]:
    """Two processes' views of one database (SQLite, and PostgreSQL when enabled)."""
    url = database_url
    first = make_service(url, engine_clock)
    setup_municipality(first)
    record_phase(first, "application")
    second = make_service(url, FixedClock(engine_clock.moment))
    yield [first, second]
    for service in (first, second):
        service.engine.dispose()


@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_advances_exactly_one_wins(two_services: list[Service], round_: int) -> None:
    outcomes = race(two_services, lambda s, actor: s.advance(AGS, actor=actor, reason=f"von {actor}"),
                    [COORDINATOR, DEPUTY])
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    wins = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(wins) == 1 and len(conflicts) == 1, outcomes
    assert wins[0].dest == "setup"
    assert AGS in conflicts[0].message and conflicts[0].exit_code == 1

    cycle = cycles(two_services[0])[0]
    assert cycle.phase == "setup"
    transitions = [r for r in history_rows(two_services[0], cycle.id) if r.kind == "transition"]
    assert len(transitions) == 1
    assert transitions[0].reason == f"von {transitions[0].actor}"
    # The loser can simply try again, and gets the next transition's guards, not a duplicate move.
    loser = two_services[outcomes.index(conflicts[0])]
    assert loser.status(AGS)["phase"] == "setup"


def test_a_record_racing_an_advance_is_not_lost_silently(two_services: list[Service]) -> None:
    first, second = two_services
    outcomes = race([first, second], lambda s, actor: (
        s.advance(AGS, actor=actor) if s is first else record(s, "public_information", actor=actor)),
        [COORDINATOR, DEPUTY])
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    cycle = cycles(first)[0]
    rows = history_rows(first, cycle.id)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == 5  # start, three facts, and exactly one of the two racing writes
