"""The application door: typed commands in, DTOs out, each call in its caller's language."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine.errors import ConfigError, InvalidInput, TransitionRefused
from engine_support import AGS, COORDINATOR, FACT_VALUES, NOW, START, make_service, structure
from notification_support import make_settings
from zyklus.app import commands as c
from zyklus.bootstrap import bootstrap


@pytest.fixture
def door(database_url: str, tmp_path: Path):
    make_service(database_url, FixedClock(NOW)).engine.dispose()  # the schema
    app = bootstrap(make_settings(tmp_path), FixedClock(NOW), db_url=database_url)
    app.cycles.add_municipality(c.AddMunicipality(ags=AGS, name="Erfurt", state="TH", kind="stadt"))
    for member in structure():
        app.cycles.add_person(c.AddPerson(ags=AGS, name=member.name, email=member.email, roles=list(member.roles)))
    yield app
    app.close()


def test_one_process_answers_in_german_and_in_english(door) -> None:
    started = door.cycles.start(c.StartCycle(ags=AGS, on=START), lang="en")
    assert (started.number, started.phase, started.phase_label) == (1, "application", "Application and resolution to take part")
    german, english = door.cycles.status(AGS, lang="de"), door.cycles.status(AGS, lang="en")
    assert german.phase == english.phase == "application"  # codes do not change with the language
    assert german.phase_label == "Bewerbung und Teilnahmebeschluss"
    assert english.unmet[0].message != german.unmet[0].message
    with pytest.raises(TransitionRefused) as refused_en:
        door.cycles.advance(c.Advance(ags=AGS, actor=COORDINATOR), lang="en")
    with pytest.raises(TransitionRefused) as refused_de:
        door.cycles.advance(c.Advance(ags=AGS, actor=COORDINATOR), lang="de")
    assert "refused" in refused_en.value.message and "abgelehnt" in refused_de.value.message


def test_status_says_what_to_do_as_data_not_commands(door) -> None:
    door.cycles.start(c.StartCycle(ags=AGS, on=START))
    status = door.cycles.status(AGS)
    assert [(s.action, s.fact) for s in status.steps] == [
        ("record", "application"), ("record", "letter_of_intent"), ("record", "participation_resolution")]
    assert status.steps[2].fields == ["date", "body", "reference", "result"]
    assert status.lock_version >= 1
    data = status.as_json()
    assert data["entered_on"] == "2027-01-04" and "next_steps" not in data
    json.dumps(data)  # serialisable as it is


def test_a_fact_dated_after_today_is_refused_through_the_door_in_the_callers_language(door) -> None:
    door.cycles.start(c.StartCycle(ags=AGS, on=START))
    for lang, words in (("de", "Der 05.01.2027 liegt nach heute (04.01.2027)"), ("en", "is after today")):
        with pytest.raises(InvalidInput, match=re.escape(words)):
            door.cycles.record(c.RecordFact(ags=AGS, fact="application", actor=COORDINATOR,
                                            values=FACT_VALUES["application"], on=dt.date(2027, 1, 5)), lang=lang)
    assert [h.kind for h in door.cycles.history(AGS)] == ["start"]


def test_a_cycle_through_the_door_with_dtos_in_json(door) -> None:
    door.cycles.start(c.StartCycle(ags=AGS, on=START))
    for fact in ("application", "letter_of_intent", "participation_resolution"):
        recorded = door.cycles.record(c.RecordFact(ags=AGS, fact=fact, actor=COORDINATOR, values=FACT_VALUES[fact],
                                                   on=dt.date(2027, 1, 4)))
        assert (recorded.cycle, recorded.fact, recorded.on) == (1, fact, dt.date(2027, 1, 4))
    advanced = door.cycles.advance(c.Advance(ags=AGS, actor=COORDINATOR, on=dt.date(2027, 2, 20), reason="beschlossen"))
    assert (advanced.source, advanced.dest) == ("application", "setup")
    moved = door.cycles.set_deadline(c.SetDeadline(ags=AGS, due=dt.date(2027, 6, 30), actor=COORDINATOR,
                                                   reason="Sitzung verschoben"))
    assert moved.due_on == dt.date(2027, 6, 30) and moved.previous_due_on is not None
    history = [h.as_json() for h in door.cycles.history(AGS)]
    assert [h["kind"] for h in history] == ["start", "fact", "fact", "fact", "transition", "deadline"]
    assert history[4]["from"] == "application" and history[4]["on"] == "2027-02-20"
    assert [s.number for s in door.cycles.cycles(AGS)] == [1]
    overview = door.cycles.overview()
    assert [(o.ags, o.cycle) for o in overview] == [(AGS, 1)]


def test_the_overview_lists_a_municipality_without_a_cycle(door) -> None:
    door.cycles.add_municipality(c.AddMunicipality(ags="16055000", name="Weimar"))
    rows = {o.ags: o for o in door.cycles.overview()}
    assert rows["16055000"].cycle is None and rows["16055000"].as_json() == {"ags": "16055000", "name": "Weimar",
                                                                            "cycle": None}


def test_the_overview_is_filtered_in_the_callers_language_and_shows_the_last_activity(door) -> None:
    door.cycles.add_municipality(c.AddMunicipality(ags="16055000", name="Weimar"))
    door.cycles.start(c.StartCycle(ags=AGS, on=START))
    everyone = door.cycles.overview("en")
    assert [o.ags for o in everyone] == [AGS, "16055000"]
    erfurt = everyone[0]
    assert erfurt.last_activity == NOW and erfurt.phase_label == "Application and resolution to take part"
    assert erfurt == door.cycles.status(AGS, lang="en")
    assert [o.ags for o in door.cycles.overview(ags=["16055000"])] == ["16055000"]
    assert [o.ags for o in door.cycles.overview(state="TH", workflow="gnk-thueringen", phase="application",
                                                overdue=False)] == [AGS]
    assert door.cycles.overview(state="NW") == [] and door.cycles.overview(overdue=True) == []


def test_bootstrap_refuses_a_database_that_was_never_initialised(tmp_path: Path) -> None:
    door = bootstrap(make_settings(tmp_path), FixedClock(NOW), db_url=f"sqlite:///{tmp_path / 'new.db'}")
    assert [w.name for w in door.workflows.list()][:3] == ["beispiel-nrw-beteiligung", "gnk-nrw", "gnk-thueringen"]  # needs no database
    assert not (tmp_path / "new.db").exists()
    with pytest.raises(ConfigError):
        door.cycles.status(AGS)
    assert list(tmp_path.iterdir()) == [], "refusing must leave no database file behind"


def test_an_error_carries_a_stable_code_and_says_itself_in_any_language(door) -> None:
    from engine.errors import NotFound

    with pytest.raises(NotFound) as unknown:
        door.cycles.status("16099999", lang="en")
    error = unknown.value
    assert (error.code, error.params) == ("municipality.unknown", {"ags": "16099999"})
    assert error.render("de") != error.render("en") and "16099999" in error.render("de")
    assert error.message == error.render("en")  # raised for an English caller
