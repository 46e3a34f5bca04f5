"""The overview's rows say the same after their repeated words were translated once per page
instead of once per row: the cycle's number, overdue, ready for the next phase, no cycle."""

from __future__ import annotations

import datetime as dt
import re

from web_support import ADMIN
from engine_support import NOW, OTHER_AGS, record_phase
from web_support import signed_in

from engine.clock import FixedClock
from zyklus.app import Application
from zyklus.bootstrap import bootstrap


def _rows(html: str) -> dict[str, str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        rows[text.split(" ")[0]] = text
    return rows


def test_each_row_says_its_cycle_overdue_ready_or_no_cycle(door: Application, database_url: str) -> None:
    door.service.add_municipality("16067000", "Gotha", state="TH", kind="stadt")  # no cycle yet
    record_phase(door.service, "application", ags=OTHER_AGS, actor="koordination0@weimar.de")
    later = bootstrap(door.settings, FixedClock(NOW + dt.timedelta(days=400)), db_url=database_url)
    try:
        rows = _rows(signed_in(later, ADMIN).get("/uebersicht").text)
    finally:
        later.close()

    assert "(Zyklus 1)" in rows["Erfurt"] and "überfällig" in rows["Erfurt"]
    assert "(Zyklus 1)" in rows["Weimar"] and "bereit für die nächste Phase" in rows["Weimar"]
    assert rows["Gotha"] == "Gotha 16067000 Kein Zyklus begonnen"
