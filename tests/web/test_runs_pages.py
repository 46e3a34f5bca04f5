"""*Programmdurchläufe*: an advisor sees the runs they accompany (an administrator every run) with
each participant's phase, due date and open conditions and the network conferences; nobody else
sees a run, and a run one may not see answers like one that does not exist."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS, START
from web_support import ADMIN, ADVISOR, signed_in

from zyklus.app import Application
from zyklus.app import commands as c

RUN = "gnk-th-2027"
RUN_ADVISOR = "begleitung@zukunftsfaehiges-thueringen.example"


@pytest.fixture
def run(door: Application) -> str:
    door.runs.add(c.AddRun(run=RUN, name="GNK Thüringen, 3. Durchgang", organiser="Zukunftsfähiges Thüringen e.V."))
    door.runs.join(c.JoinRun(run=RUN, ags=AGS, on=START))
    door.runs.add_event(c.AddRunEvent(run=RUN, event="konferenz-1", on=dt.date(2027, 3, 17), place="Erfurt",
                                      topic="Auftakt <Netzwerk>"))
    door.accounts.add(RUN_ADVISOR, name="Begleitung", language="de")
    door.runs.add_advisor(c.AddRunAdvisor(run=RUN, email=RUN_ADVISOR))
    return RUN


@pytest.mark.parametrize("who", [ADMIN, RUN_ADVISOR])
def test_the_runs_advisor_and_an_administrator_see_the_run(door: Application, run: str, who: str) -> None:
    browser = signed_in(door, who)
    listing = browser.get("/programmdurchlaeufe")
    assert listing.status_code == 200 and 'href="/programmdurchlaeufe/gnk-th-2027"' in listing.text
    assert "1 teilnehmende Kommune<" in listing.text
    assert 'href="/programmdurchlaeufe"' in browser.get("/konto").text  # in the navigation
    page = browser.get(f"/programmdurchlaeufe/{run}")
    assert page.status_code == 200
    assert f'href="/kommunen/{AGS}"' in page.text and f'href="/kommunen/{OTHER_AGS}"' not in page.text
    assert "Auftakt &lt;Netzwerk&gt;" in page.text and "17.03.2027" in page.text  # escaped, German date
    assert "Ratsbeschluss" in page.text and "council_resolution" not in page.text  # the label's criterion by name


@pytest.mark.parametrize("who", [ADVISOR, COORDINATOR])
def test_who_does_not_accompany_the_run_does_not_see_it(door: Application, run: str, who: str) -> None:
    browser = signed_in(door, who)
    assert 'href="/programmdurchlaeufe/' not in browser.get("/programmdurchlaeufe").text
    assert browser.get(f"/programmdurchlaeufe/{run}").status_code == 404
    assert 'href="/programmdurchlaeufe"' not in browser.get("/konto").text


def test_an_unknown_run_is_not_found_for_an_administrator_too(door: Application, run: str) -> None:
    assert signed_in(door, ADMIN).get("/programmdurchlaeufe/gibt-es-nicht").status_code == 404


def test_overdue_days_are_counted_with_plurals_in_english(door: Application, run: str) -> None:
    door.service.clock.advance(dt.timedelta(days=400))  # the first phase's deadline has long passed
    door.accounts.add("advisor@example.org", name="Advisor", language="en")
    door.runs.add_advisor(c.AddRunAdvisor(run=run, email="advisor@example.org"))
    page = signed_in(door, "advisor@example.org").get(f"/programmdurchlaeufe/{run}")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assert "days overdue" in page.text and "Network conferences" in page.text and "03/17/2027" not in page.text
