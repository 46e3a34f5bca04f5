"""*Ratsinformation* through the browser's forms, against the OParl fixture server on 127.0.0.1:
the coordination (or the core team) accepts the adopted paper, which records the council
resolution as `zyklus oparl accept` does, and dismisses the deferred one; a deferred paper, a body
the fact does not know and a candidate decided already are refused at the candidate with nothing
written. The steering group and the advisor read; another municipality gets the not-found page;
the administrator's *Betrieb* page lists the source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS, drive_to
from oparl_server import OParlServer
from web_support import (
    ADMIN,
    ADVISOR,
    CORE_TEAM,
    STEERING,
    WEIMAR_COORDINATOR,
    csrf_of,
    post_form,
    signed_in,
)

from zyklus.app import Application
from zyklus.app import commands as c
from zyklus.app.dto import OParlCandidateDTO

PAGE = f"/kommunen/{AGS}/ratsinformation"
Found = tuple[OParlCandidateDTO, OParlCandidateDTO]
SYNC_DAY = dt.datetime(2027, 6, 20, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[OParlServer]:
    with OParlServer() as running:
        yield running


@pytest.fixture
def found(door: Application, server: OParlServer) -> Found:
    """Erfurt waits for its council resolution; the sync found the strategy (adopted) and the
    procurement paper (deferred)."""
    drive_to(door.service, "council_resolution")
    door.service.clock.moment = SYNC_DAY  # type: ignore[attr-defined]
    door.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url, reference="DS 0900/27"))
    door.oparl.sync(AGS)
    strategy, procurement = door.oparl.candidates(AGS)
    assert (strategy.outcome, procurement.outcome) == ("adopted", "deferred")
    return strategy, procurement


def action(candidate: OParlCandidateDTO, verb: str) -> str:
    return f"{PAGE}/{candidate.id}/{verb}"


def resolution_recorded(door: Application) -> bool:
    return all(guard.fact != "council_resolution" for guard in door.cycles.status(AGS).unmet)


def test_the_page_lists_the_candidates_with_the_forms_that_fit(door: Application, found: Found) -> None:
    strategy, procurement = found
    html = signed_in(door, COORDINATOR).get(PAGE).text
    assert 'aria-current="page">Ratsinformation' in html
    assert "DS 0815/27" in html and "DS 0900/27" in html and "mehrheitlich beschlossen" in html
    assert "Stadtrat Erfurt" in html and "15.06.2027" in html and "20.06.2027, 10:00" in html  # the last sync
    assert f'action="{action(strategy, "annehmen")}"' in html
    assert f'action="{action(procurement, "annehmen")}"' not in html  # deferred: nothing to accept
    assert "Nur ein beschlossener Antrag öffnet den Weg" in html
    assert f'action="{action(strategy, "verwerfen")}"' in html and f'action="{action(procurement, "verwerfen")}"' in html
    assert '<option value="Stadtrat">Stadtrat</option>' in html  # the fact's bodies to choose from


@pytest.mark.parametrize("who", [COORDINATOR, CORE_TEAM])
def test_accepting_records_the_council_resolution(door: Application, found: Found, who: str) -> None:
    strategy, _procurement = found
    client = signed_in(door, who)
    answer = post_form(client, PAGE, action(strategy, "annehmen"), {"body": ""})
    assert answer.status_code == 303 and answer.headers["location"] == f"{PAGE}?angenommen={strategy.id}"
    assert resolution_recorded(door)
    accepted = next(row for row in door.oparl.candidates(AGS, all_=True) if row.id == strategy.id)
    assert (accepted.status, accepted.decided_by) == ("accepted", who)
    entry = [e for e in door.cycles.history(AGS) if e.kind == "fact" and e.trigger == "council_resolution"][-1]
    assert (entry.actor, entry.on) == (who, dt.date(2027, 6, 15))
    html = client.get(answer.headers["location"]).text
    assert "der Beschluss ist erfasst" in html and "<td>angenommen</td>" in html
    assert door.cycles.advance(c.Advance(ags=AGS, actor=COORDINATOR)).dest == "implementation"


def test_a_chosen_body_is_recorded_and_an_unknown_one_refused_at_the_body(door: Application, found: Found) -> None:
    strategy, _procurement = found
    client = signed_in(door, COORDINATOR)
    refused = post_form(client, PAGE, action(strategy, "annehmen"), {"body": "Ortschaftsrat"})
    assert refused.status_code == 422
    assert f'id="vorschlag-{strategy.id}-error" role="alert">' in refused.text and "Ortschaftsrat" in refused.text
    assert f'aria-describedby="body-hint-{strategy.id} vorschlag-{strategy.id}-error" aria-invalid="true"' in refused.text
    assert not resolution_recorded(door)
    assert door.oparl.candidates(AGS)[0].status == "open"  # the claim was given back
    assert post_form(client, PAGE, action(strategy, "annehmen"), {"body": "Stadtrat"}).status_code == 303
    entry = [e for e in door.cycles.history(AGS) if e.kind == "fact" and e.trigger == "council_resolution"][-1]
    assert entry.details["fields"]["body"] == "Stadtrat"


def test_a_deferred_paper_is_refused_at_the_candidate(door: Application, found: Found) -> None:
    _strategy, procurement = found
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, PAGE, action(procurement, "annehmen"), {})
    assert answer.status_code == 422
    assert f'id="vorschlag-{procurement.id}-error" role="alert">' in answer.text and "vertagt" in answer.text
    assert not resolution_recorded(door) and door.oparl.candidates(AGS)[1].status == "open"
    dismissed = post_form(client, PAGE, action(procurement, "verwerfen"), {})
    assert dismissed.status_code == 303
    assert [row.status for row in door.oparl.candidates(AGS, all_=True)] == ["open", "dismissed"]
    assert "<td>verworfen</td>" in client.get(PAGE).text


def test_a_candidate_decided_already_is_a_conflict_and_changes_nothing(door: Application, found: Found) -> None:
    strategy, _procurement = found
    client = signed_in(door, COORDINATOR)
    token = csrf_of(client.get(PAGE).text)
    assert client.post(action(strategy, "verwerfen"), data={"csrf": token}).status_code == 303
    again = client.post(action(strategy, "annehmen"), data={"csrf": token})
    assert again.status_code == 409 and "bereits" in again.text and 'class="error" role="alert"' in again.text
    assert not resolution_recorded(door)


@pytest.mark.parametrize("reader", [STEERING, ADVISOR])
def test_the_steering_group_and_the_advisor_read_only(door: Application, found: Found, reader: str) -> None:
    strategy, _procurement = found
    client = signed_in(door, reader)
    html = client.get(PAGE).text
    assert "DS 0815/27" in html and "/annehmen" not in html and "/verwerfen" not in html
    for verb in ("annehmen", "verwerfen"):
        assert client.post(action(strategy, verb), data={"csrf": csrf_of(html)}).status_code == 403
    assert door.oparl.candidates(AGS)[0].status == "open" and not resolution_recorded(door)


def test_the_advisor_reads_in_english(door: Application, found: Found) -> None:
    html = signed_in(door, ADVISOR).get(PAGE).text
    assert "Council information" in html and "Candidates" in html and "deferred" in html


def test_another_municipalitys_coordination_gets_not_found(door: Application, found: Found) -> None:
    strategy, _procurement = found
    client = signed_in(door, WEIMAR_COORDINATOR)
    assert client.get(PAGE).status_code == 404
    own = client.get(f"/kommunen/{OTHER_AGS}/ratsinformation")
    assert own.status_code == 200 and "kein Ratsinformationssystem eingetragen" in own.text and "0815" not in own.text
    token = csrf_of(own.text)
    for path in (action(strategy, "annehmen"), f"/kommunen/{OTHER_AGS}/ratsinformation/{strategy.id}/annehmen"):
        answer = client.post(path, data={"csrf": token})
        assert answer.status_code == 404 and "0815" not in answer.text
    assert door.oparl.candidates(AGS)[0].status == "open"


def test_a_form_without_its_csrf_value_is_refused(door: Application, found: Found) -> None:
    strategy, _procurement = found
    client = signed_in(door, COORDINATOR)
    assert client.post(action(strategy, "annehmen"), data={}).status_code == 403
    assert client.post(action(strategy, "annehmen"), data={"csrf": "gefälscht"}).status_code == 403
    assert door.oparl.candidates(AGS)[0].status == "open" and not resolution_recorded(door)


def test_the_operations_page_lists_the_sources(door: Application, found: Found) -> None:
    html = signed_in(door, ADMIN).get("/betrieb").text
    assert "Ratsinformationssysteme (OParl)" in html
    assert f'<a href="/kommunen/{AGS}/ratsinformation">{AGS}</a>' in html and "<td>Stadt Erfurt<br>" in html
    assert "<td>15</td><td>2</td>" in html  # objects stored, open candidates
    assert signed_in(door, COORDINATOR).get("/betrieb").status_code == 403
