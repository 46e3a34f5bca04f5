"""Property: whatever coordinators record and trigger, in whatever order, the history tells the
truth (replaying it gives the stored phase) and no cycle enters implementation without a
council resolution recorded in that same cycle."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.clock import FixedClock
from engine.errors import PermissionDenied, TransitionRefused
from engine.service import Service
from zyklus.app.history_text import PROGRAMME_CHANGES, PROGRAMME_STEPS
from engine_support import (AGS, COORDINATOR, FACT_VALUES, NOW, STEERING_ONLY, Member, cycles, facts, history_rows,
                            make_service, plan_programme, record, setup_municipality, sqlite_url,
                            structure)

Op = tuple

# Weighted so that many sequences walk far into the cycle (and through a restart), while random
# records, waits and attempts without permission are mixed in anywhere.
KINDS = ["advance"] * 4 + ["record_missing"] * 4 + ["record"] * 2 + ["wait", "advance_as_steering_group"]
operations = st.tuples(st.sampled_from(KINDS), st.sampled_from(sorted(FACT_VALUES)),
                       st.integers(min_value=1, max_value=90)).map(
    lambda t: (t[0], t[1]) if t[0] == "record" else (t[0], t[2]) if t[0] == "wait" else (t[0],))


def apply(service: Service, clock: FixedClock, op: Op) -> None:
    kind = op[0]
    if kind == "advance":
        try:
            service.advance(AGS, actor=COORDINATOR)
        except TransitionRefused:
            pass
    elif kind == "advance_as_steering_group":
        try:
            service.advance(AGS, actor=STEERING_ONLY)
        except PermissionDenied:
            pass
        else:
            raise AssertionError("a steering-group member advanced the cycle")
    elif kind == "record":
        record(service, op[1])
    elif kind == "record_missing":  # what `status` says is missing, as a diligent coordinator would
        for guard in service.status(AGS)["unmet"]:
            if guard["severity"] == "block" and guard.get("fact"):
                for _ in range(max(1, guard["missing"])):
                    record(service, guard["fact"])
            elif guard["severity"] == "block" and guard["type"] == "programme_structure":
                plan_programme(service)  # the programme's tree is completed with goals and measures
    elif kind == "wait":
        clock.advance(dt.timedelta(days=op[1]))


def check_invariants(service: Service) -> None:
    stored = cycles(service)
    assert [c.number for c in stored] == list(range(1, len(stored) + 1))
    assert sum(c.status == "running" for c in stored) == 1
    for previous, cycle in zip(stored, stored[1:]):
        assert previous.status == "completed" and cycle.previous_cycle_id == previous.id
    for cycle in stored:
        rows = history_rows(service, cycle.id)
        moves = [r for r in rows if r.kind in ("start", "transition", "complete")]
        phase = None
        for row in moves:
            if row.kind == "start":
                assert phase is None
            else:
                assert row.from_phase == phase
            phase = row.to_phase
        assert phase == cycle.phase
        assert (cycle.status == "completed") == (cycle.phase == "completed")
        # No implementation without a council resolution recorded in this cycle, before entering it.
        resolutions = [r.seq for r in rows if r.kind == "fact" and r.trigger == "council_resolution"]
        for row in moves:
            if row.to_phase == "implementation":
                assert resolutions and min(resolutions) < row.seq, f"cycle {cycle.number} entered implementation"
        if cycle.phase in ("implementation", "evaluation") or any(r.to_phase == "implementation" for r in moves):
            assert any(f.type == "council_resolution" for f in facts(service, cycle.id))
        # Every write of the cycle bumped the lock version once: start plus every later history
        # row of the cycle's own (the programme's changes and steps are on record without being
        # writes of the cycle: they need no If-Match, docs/api.md).
        programme = {*PROGRAMME_CHANGES, *PROGRAMME_STEPS, "value_corrected", "value_deleted", "target_deleted"}
        assert cycle.lock_version >= len([r for r in rows if r.kind not in programme])


# Half the profile's examples (25 in `ci`, 150 in `dev`): each is a whole database and up to 60
# operations, about half a second, and this one property was a twelfth of the suite's time.
@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=max(10, settings().max_examples // 2))
@given(st.lists(operations, min_size=25, max_size=60))
def test_history_replays_to_the_stored_phase_and_implementation_needs_a_resolution(ops: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = FixedClock(NOW)
        service = make_service(sqlite_url(Path(folder) / "zyklus.db"), clock)
        try:
            setup_municipality(service, people=structure() + [Member("S", STEERING_ONLY, ("steering_group",))])
            for op in ops:
                apply(service, clock, op)
            check_invariants(service)
            stored = cycles(service)
            assert service.status(AGS)["phase"] == stored[-1].phase
            event(f"cycle {len(stored)}, phase {stored[-1].phase}")
        finally:
            service.engine.dispose()


def test_the_property_operations_reach_implementation_and_a_restart() -> None:
    """The generator's own vocabulary is strong enough to walk a whole cycle (so the property
    above is not vacuously true)."""
    with tempfile.TemporaryDirectory() as folder:
        clock = FixedClock(NOW)
        service = make_service(sqlite_url(Path(folder) / "zyklus.db"), clock)
        try:
            setup_municipality(service, people=structure() + [Member("S", STEERING_ONLY, ("steering_group",))])
            for _ in range(9):
                for op in (("record_missing",), ("wait", 30), ("advance_as_steering_group",), ("advance",)):
                    apply(service, clock, op)
            check_invariants(service)
            assert [c.phase for c in cycles(service)] == ["completed", "implementation"]
        finally:
            service.engine.dispose()
