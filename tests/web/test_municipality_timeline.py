"""The municipality page's timeline and recent history after the page stopped simulating the
workflow on every view and reading the history twice: it still shows the planned dates of the
workflow's simulation beside the actual ones, the same on every view, and a simulation of a
definition other than the cycle's pinned one is never kept."""

from __future__ import annotations

import re

from engine.i18n import format_date
from engine_support import AGS, COORDINATOR, drive_to
from web_support import signed_in

from zyklus.app import Application
from zyklus.web.pages import municipality as page


def _timeline_rows(html: str) -> list[str]:
    section = html[html.index('id="zeitleiste"'):]
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    return [re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<tr.*?</tr>", body, re.S)]


def test_the_timeline_shows_the_simulated_plan_and_when_each_phase_began(door: Application) -> None:
    drive_to(door.service, "inventory")
    status = door.cycles.status(AGS)
    started = door.cycles.cycles(AGS)[0].started_on
    municipality = door.cycles.municipality(AGS)
    planned = door.workflows.simulate(status.workflow, started, municipality.state,
                                      municipality.catholic_holidays, "de")
    entered = {e.to: e.on for e in door.cycles.history(AGS, status.cycle) if e.kind in ("start", "transition")}
    client = signed_in(door, COORDINATOR)

    first = client.get(f"/kommunen/{AGS}").text
    rows = _timeline_rows(first)

    assert len(rows) == len(planned.phases)
    for row, phase in zip(rows, planned.phases):
        assert phase.label in row
        assert f"{format_date(phase.start, 'de')} – {format_date(phase.due, 'de') if phase.due else ''}" in row
        if phase.phase in entered:
            assert format_date(entered[phase.phase], "de") in row
        assert ('class="current"' in row) == (phase.phase == "inventory")
    assert _timeline_rows(client.get(f"/kommunen/{AGS}").text) == rows  # the kept plan, shown the same


def test_the_recent_history_is_the_latest_eight_entries_newest_first(door: Application) -> None:
    drive_to(door.service, "strategy")
    history = door.cycles.history(AGS, 1)
    assert len(history) > 8
    html = signed_in(door, COORDINATOR).get(f"/kommunen/{AGS}").text
    section = html[html.index('id="zuletzt"'):]
    items = re.findall(r"<li>(.*?)</li>", section[:section.index("</ul>")], re.S)
    assert [re.sub(r"\s+", " ", item).strip() for item in items] == [
        f"{format_date(e.on, 'de')}: {e.fact_label or e.to_label or e.kind} – {e.actor}" for e in history[-8:][::-1]]


def test_only_a_simulation_of_the_pinned_definition_is_kept(door: Application) -> None:
    status = door.cycles.status(AGS)
    municipality = door.cycles.municipality(AGS)
    started = door.cycles.cycles(AGS)[0].started_on
    page._PLANS.clear()

    page._planned(door, status, started, municipality, "de")
    edited = status.model_copy(update={"version": "another-hash"})  # the file changed since the cycle began
    page._planned(door, edited, started, municipality, "de")

    assert [key[1] for key in page._PLANS] == [status.version]
