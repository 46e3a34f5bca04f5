"""The municipality page's timeline and recent history: the timeline is the cycle's plan as the
engine dates it (the phases entered, with the due dates of `zyklus status` and `zyklus evaluate`,
then those ahead), the recent history the latest eight entries."""

from __future__ import annotations

import re

from engine.i18n import format_date
from engine_support import AGS, COORDINATOR, drive_to
from web_support import signed_in

from zyklus.app import Application


def _timeline_rows(html: str) -> list[str]:
    section = html[html.index('id="zeitleiste"'):]
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    return [re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<tr.*?</tr>", body, re.S)]


def test_the_timeline_is_the_cycles_plan_as_status_and_evaluate_date_it(door: Application) -> None:
    """The rows are the phases the cycle entered, with the due dates `zyklus status` and the
    evaluation's timeline give, then the phases ahead from the current one's due date: not a
    simulation of the whole workflow from the cycle's start."""
    drive_to(door.service, "strategy")
    status = door.cycles.status(AGS)
    visits = door.programme.evaluate(AGS).timeline
    client = signed_in(door, COORDINATOR)

    rows = _timeline_rows(client.get(f"/kommunen/{AGS}").text)

    assert visits[-1].phase == "strategy" and visits[-1].planned_end == status.due_on
    for row, visit in zip(rows, visits):
        assert visit.label in row
        assert f"{format_date(visit.entered_on, 'de')} – {format_date(visit.planned_end, 'de')}" in row
        assert ('class="current"' in row) == (visit.phase == "strategy")
    ahead = rows[len(visits)]
    assert ahead.split("</th>")[1].strip().startswith(f"<td>{format_date(status.due_on, 'de')} –")


def test_the_recent_history_is_the_latest_eight_entries_newest_first(door: Application) -> None:
    """Each entry in the words `zyklus history` uses (zyklus.app.history_text)."""
    from html import escape as html_escape

    from zyklus.app.history_text import describe

    drive_to(door.service, "strategy")
    history = door.cycles.history(AGS, 1)
    assert len(history) > 8
    html = signed_in(door, COORDINATOR).get(f"/kommunen/{AGS}").text
    section = html[html.index('id="zuletzt"'):]
    items = re.findall(r"<li>(.*?)</li>", section[:section.index("</ul>")], re.S)
    assert [re.sub(r"\s+", " ", item).strip() for item in items] == [
        html_escape(f"{format_date(e.on, 'de')}: {describe(e, 'de')} – {e.actor}") for e in history[-8:][::-1]]
