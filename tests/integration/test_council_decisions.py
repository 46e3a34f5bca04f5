"""Council decisions in full, through the door on SQLite and PostgreSQL: a resolution has a
result, and only an adopted one (as proposed or amended) opens the implementation; a deferred
paper shows in the status as „vertagt am …“; a resolution recorded before `result` existed
still reads and still counts as the adopted one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from engine.clock import FixedClock
from engine.db.tables import Fact
from engine.errors import InvalidInput, TransitionRefused
from engine_support import (AGS, COORDINATOR, FACT_VALUES, NOW, cycles, drive_to, facts, make_service,
                            setup_municipality)
from notification_support import make_settings
from zyklus.app import commands as c
from zyklus.bootstrap import bootstrap

RESOLUTION = {**FACT_VALUES["council_resolution"], "date": "2027-03-15"}


@pytest.fixture
def door(database_url: str, tmp_path: Path):
    """Erfurt (gnk-thueringen) in the council-resolution phase; yields the door and the day it entered it."""
    service = make_service(database_url, FixedClock(NOW))
    setup_municipality(service)
    entered = drive_to(service, "council_resolution")
    service.engine.dispose()
    later = dt.datetime.combine(entered + dt.timedelta(days=60), dt.time(8), tzinfo=dt.timezone.utc)
    app = bootstrap(make_settings(tmp_path), FixedClock(later), db_url=database_url)  # the meetings have been held
    yield app, entered
    app.close()


def _record(app, on: dt.date, **values: str) -> None:  # noqa: ANN001
    app.cycles.record(c.RecordFact(ags=AGS, fact="council_resolution", actor=COORDINATOR,
                                   values={**RESOLUTION, **values}, on=on))


def _advance(app, on: dt.date):  # noqa: ANN001, ANN202
    return app.cycles.advance(c.Advance(ags=AGS, actor=COORDINATOR, on=on))


@pytest.mark.parametrize("result", ["rejected", "deferred", "withdrawn"])
def test_a_resolution_that_did_not_adopt_does_not_open_implementation(door, result: str) -> None:  # noqa: ANN001
    app, entered = door
    _record(app, entered + dt.timedelta(days=5), result=result)
    with pytest.raises(TransitionRefused) as refused:
        _advance(app, entered + dt.timedelta(days=6))
    assert [g.id for g in refused.value.unmet] == ["resolution"]
    assert app.cycles.status(AGS).phase == "council_resolution"


@pytest.mark.parametrize("result", ["adopted", "adopted_amended"])
def test_an_adopted_resolution_opens_implementation(door, result: str) -> None:  # noqa: ANN001
    app, entered = door
    _record(app, entered + dt.timedelta(days=5), result=result)
    _advance(app, entered + dt.timedelta(days=6))
    assert app.cycles.status(AGS).phase == "implementation"


def test_a_deferred_paper_shows_as_vertagt_am_its_meeting_day_until_it_is_adopted(door) -> None:  # noqa: ANN001
    app, entered = door
    _record(app, entered + dt.timedelta(days=1), result="rejected", date="2027-02-20")
    _record(app, entered + dt.timedelta(days=2), result="deferred")  # the latest decides the message
    [german] = [g for g in app.cycles.status(AGS, lang="de").unmet if g.id == "resolution"]
    assert german.message == ("Ratsbeschluss: vertagt am 15.03.2027. Nachweis „Ratsbeschluss“ mit Ergebnis "
                              "„beschlossen“ oder „geändert beschlossen“ muss in diesem Zyklus erfasst sein.")
    [english] = [g for g in app.cycles.status(AGS, lang="en").unmet if g.id == "resolution"]
    assert english.message.startswith("Council resolution: deferred on 2027-03-15. ")
    result = {f.name: f for f in german.fields}["result"]
    assert result.choices == ["adopted", "adopted_amended", "rejected", "deferred", "withdrawn"]
    assert result.choice_labels["adopted_amended"] == "geändert beschlossen"
    _record(app, entered + dt.timedelta(days=40), result="beschlossen", date="2027-04-26")  # a label is understood
    _advance(app, entered + dt.timedelta(days=41))
    assert app.cycles.status(AGS).phase == "implementation"


def test_an_unknown_result_is_refused_and_nothing_is_recorded(door) -> None:  # noqa: ANN001
    app, entered = door
    before = len(facts(app.service, cycles(app.service)[0].id))
    with pytest.raises(InvalidInput, match="result"):
        _record(app, entered + dt.timedelta(days=1), result="angenommen")
    with pytest.raises(InvalidInput, match="result"):
        _record(app, entered + dt.timedelta(days=1), result="")
    assert len(facts(app.service, cycles(app.service)[0].id)) == before


def test_a_resolution_recorded_before_result_existed_still_reads_and_counts_as_adopted(door) -> None:  # noqa: ANN001
    """The row is rewritten to the fields the old definition stored (date, body, reference): that
    is what a cycle migrated from an old version carries into the new one."""
    app, entered = door
    _record(app, entered + dt.timedelta(days=5), result="adopted")
    old = {k: RESOLUTION[k] for k in ("date", "body", "reference")}
    with Session(app.service.engine) as session:
        session.execute(update(Fact).where(col(Fact.type) == "council_resolution").values(fields=old))
        session.commit()
    [row] = [f for f in facts(app.service, cycles(app.service)[0].id) if f.type == "council_resolution"]
    assert row.fields == old
    assert "resolution" not in {g.id for g in app.cycles.status(AGS).unmet}
    _advance(app, entered + dt.timedelta(days=6))
    assert app.cycles.status(AGS).phase == "implementation"
