"""`workflow simulate`: the planned timeline of one cycle, with holiday shifts and reminders."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from engine.definitions.loader import Catalog
from zyklus.app.dto import SimulationDTO
from zyklus.app.workflows import as_dict
from zyklus.cli.simulate import render as render_dto
from notifications.simulation import Shift, main_path, simulate

D = dt.date


def render(timeline, lang: str) -> str:  # noqa: ANN001
    """What `zyklus workflow simulate` prints for ``timeline``."""
    return render_dto(SimulationDTO.model_validate(as_dict(timeline, lang)), lang)


def test_main_path_follows_the_first_advance_out_of_each_phase() -> None:
    assert main_path(Catalog().load("beispiel-nrw-beteiligung")) == [
        "application", "setup", "inventory", "strategy", "participation", "council_resolution", "implementation",
        "evaluation"]


def test_each_phase_ends_on_its_due_date_and_holidays_move_it() -> None:
    timeline = simulate(Catalog().load("kommune"), D(2027, 9, 25), "TH")
    setup, inventory = timeline.phases[0], timeline.phases[1]
    assert (setup.start, setup.planned_due, setup.due) == (D(2027, 9, 25), D(2027, 12, 25), D(2027, 12, 27))
    assert setup.shifts == (Shift(D(2027, 12, 25), "Erster Weihnachtstag"), Shift(D(2027, 12, 26), "Zweiter Weihnachtstag"))
    assert inventory.start == setup.due
    assert [p.start for p in timeline.phases[1:]] == [p.due for p in timeline.phases[:-1]]
    assert timeline.completed_on == timeline.phases[-1].due
    assert timeline.restart_on == timeline.completed_on  # kommune restarts at once


def test_catholic_holidays_apply_only_when_asked() -> None:
    kommune = Catalog().load("kommune")
    assert simulate(kommune, D(2027, 2, 27), "TH").phases[0].due == D(2027, 5, 27)
    eichsfeld = simulate(kommune, D(2027, 2, 27), "TH", catholic=True).phases[0]
    assert (eichsfeld.due, eichsfeld.shifts) == (D(2027, 5, 28), (Shift(D(2027, 5, 27), "Fronleichnam"),))


def test_every_reminder_of_a_punctual_cycle_and_no_overdue_ones() -> None:
    d = Catalog().load("gnk-thueringen")
    timeline = simulate(d, D(2027, 1, 4), "TH")
    kinds = Counter(p.kind for p in timeline.reminders)
    assert kinds["enter"] == kinds["due"] == 7
    assert kinds["before"] == 7 * 3
    assert kinds["event"] == 4 * 2
    assert not {"overdue", "escalation"} & set(kinds)
    implementation = next(p for p in timeline.phases if p.phase == "implementation")
    reviews = [p for p in timeline.reminders if p.kind == "review"]
    assert Counter(p.label_key for p in reviews) == {"quarterly_review": 8, "annual_monitoring": 2 * 2}
    assert all(implementation.start <= p.fire_on and p.due_on <= implementation.due for p in reviews)
    assert [p.fire_on for p in timeline.reminders] == sorted(p.fire_on for p in timeline.reminders)


def test_rendered_timeline_says_which_holiday_moved_a_due_date() -> None:
    timeline = simulate(Catalog().load("kommune"), D(2027, 9, 25), "TH")
    text = render(timeline, "de")
    assert text.splitlines()[0].startswith("Geplanter Ablauf von kommune (") and "ab 25.09.2027 in Thüringen" in text
    assert ("  Phase Aufbau der Arbeitsstrukturen: 25.09.2027 bis 27.12.2027; verschoben vom 25.12.2027 "
            "(Erster Weihnachtstag, Zweiter Weihnachtstag)") in text
    assert "  25.09.2027  Phase beginnt: Aufbau der Arbeitsstrukturen (fällig 27.12.2027) → Koordination" in text
    assert "Umsetzung und Monitoring: 27.09.2029 bis 29.09.2031; verschoben vom 27.09.2031 (Samstag, Sonntag)" in text
    english = render(timeline, "en")
    assert "moved from 2031-09-27 (Saturday, Sunday)" in english


def test_timeline_as_json() -> None:
    data = as_dict(simulate(Catalog().load("gnk-nrw"), D(2027, 1, 4), "NW"), "de")
    assert [p["phase"] for p in data["phases"]][:2] == ["application", "setup"]
    assert data["restart"] == {"on": data["completed_on"], "phase": "strategy",
                               "label": "Er-/Überarbeitung der Nachhaltigkeitsstrategie"}
    events = [r for r in data["reminders"] if r["kind"] == "event"]
    assert {r["what"] for r in events} == {"1. Netzwerktagung (Auftakt)", "2. Netzwerktagung", "3. Netzwerktagung",
                                           "4. Netzwerktagung", "5. Netzwerktagung (Abschluss)"}


def test_dates_beyond_the_calendar_stop_the_simulation_instead_of_crashing() -> None:
    d = Catalog().load("kommune")
    timeline = simulate(d, D(9997, 1, 4), "TH")
    assert timeline.stopped_at is not None and timeline.completed_on is None
    assert "ein Datum läge nach dem Jahr 9999" in render(timeline, "de")
