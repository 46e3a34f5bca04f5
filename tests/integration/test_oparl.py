"""The OParl import against a fixture server on 127.0.0.1: a cycle waiting for its council
resolution receives the candidate on sync, the coordinator accepts it and the cycle may advance;
a deferred paper does not open the way; a second sync changes nothing; each server quirk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine.errors import Conflict, InvalidInput, TransitionRefused
from engine_support import AGS, COORDINATOR, DEPUTY, NOW, drive_to, make_service, setup_municipality, structure
from notification_support import make_settings
from notifications.tables import Outbox
from oparl.client import Limits, OParlClient, OParlError
from oparl.tables import OParlObject
from oparl_server import OParlServer
from zyklus.app import commands as c
from zyklus.bootstrap import bootstrap

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

SYNC_DAY = dt.datetime(2027, 6, 20, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def server():
    with OParlServer() as running:
        yield running


def rig(database_url: str, tmp_path: Path, phase: str = "council_resolution", web: dict | None = None):
    clock = FixedClock(NOW)
    service = make_service(database_url, clock)
    setup_municipality(service, AGS, people=structure())
    if phase != "application":
        drive_to(service, phase)
    service.engine.dispose()
    clock.moment = SYNC_DAY
    settings = make_settings(tmp_path, oparl={"retry_base_seconds": 0, "max_response_bytes": 100_000}, web=web or {})
    return bootstrap(settings, clock, db_url=database_url), clock


@pytest.fixture
def door(database_url: str, tmp_path: Path):
    app, _ = rig(database_url, tmp_path)
    yield app
    app.close()


def objects(door) -> list[tuple[str, bool]]:
    with Session(door.service.engine) as session:
        return sorted((row.oparl_id.rsplit("/v1/", 1)[1], row.deleted) for row in session.exec(select(OParlObject)))


def test_the_candidate_arrives_is_accepted_and_opens_the_way(door, server: OParlServer) -> None:
    door.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
    [report] = door.oparl.sync(AGS)
    assert report.ok and report.created == 2 + 2 + 3 + 4 + 4  # organizations, meetings, papers, consultations, items
    assert report.new_candidates == 2
    strategy, procurement = door.oparl.candidates(AGS)
    assert (strategy.reference, strategy.fact, strategy.outcome) == ("DS 0815/27", "council_resolution", "adopted")
    assert strategy.result == "mehrheitlich beschlossen" and strategy.resolution_text.startswith("Der Stadtrat beschließt")
    assert (strategy.meeting_date, strategy.body_name) == (dt.date(2027, 6, 15), "Stadtrat Erfurt")  # the authoritative one
    assert strategy.url == "https://ris.erfurt.example/vo0050.php?__kvonr=815"
    assert (procurement.reference, procurement.outcome) == ("DS 0900/27", "deferred")
    assert door.cycles.status(AGS).phase == "council_resolution"  # nothing written into the cycle

    with Session(door.service.engine) as session:  # the coordinators are told, each once per candidate
        mails = session.exec(select(Outbox).where(Outbox.kind == "oparl")).all()
    assert sorted({m.recipient for m in mails}) == sorted([COORDINATOR, DEPUTY]) and len(mails) == 4
    assert "DS 0815/27" in next(m.text for m in mails if "0815" in m.text) and "zyklus oparl accept" in mails[0].text

    accepted = door.oparl.accept(c.DecideCandidate(ags=AGS, candidate_id=strategy.id, actor=COORDINATOR))
    assert accepted.candidate.status == "accepted" and accepted.candidate.decided_by == COORDINATOR
    assert accepted.fact.fact == "council_resolution" and accepted.fact.on == dt.date(2027, 6, 15)
    assert accepted.fact.fields == {"date": "2027-06-15", "body": "Stadtrat", "reference": "DS 0815/27",
                                    "url": "https://ris.erfurt.example/vo0050.php?__kvonr=815", "result": "adopted"}
    advanced = door.cycles.advance(c.Advance(ags=AGS, actor=COORDINATOR))
    assert advanced.dest == "implementation"


def test_with_a_public_url_the_notice_links_to_the_candidates_page(database_url: str, tmp_path: Path,
                                                                    server: OParlServer) -> None:
    app, _ = rig(database_url, tmp_path, web={"public_url": "https://zyklus.erfurt.example/"})
    try:
        app.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
        app.oparl.sync(AGS)
        strategy = app.oparl.candidates(AGS)[0]
        with Session(app.service.engine) as session:
            mails = session.exec(select(Outbox).where(Outbox.kind == "oparl")).all()
        assert mails and not any("zyklus oparl" in mail.text for mail in mails)
        notice = next(mail.text for mail in mails if "DS 0815/27" in mail.text)
        assert f"https://zyklus.erfurt.example/kommunen/{AGS}/ratsinformation#vorschlag-{strategy.id}\n" in notice
    finally:
        app.close()


def test_a_deferred_paper_does_not_open_the_way(door, server: OParlServer) -> None:
    door.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url, reference="DS 0900/27"))
    door.oparl.sync(AGS)
    deferred = next(row for row in door.oparl.candidates(AGS) if row.reference == "DS 0900/27")
    with pytest.raises(InvalidInput) as refused:
        door.oparl.accept(c.DecideCandidate(ags=AGS, candidate_id=deferred.id, actor=COORDINATOR))
    assert refused.value.code == "oparl.candidate_not_adopted" and "vertagt" in refused.value.message
    with pytest.raises(TransitionRefused):  # the guard still waits for the resolution
        door.cycles.advance(c.Advance(ags=AGS, actor=COORDINATOR))
    assert door.oparl.dismiss(c.DecideCandidate(ags=AGS, candidate_id=deferred.id, actor=COORDINATOR)).status == "dismissed"


def test_a_second_sync_changes_nothing_and_asks_only_for_changes(door, server: OParlServer) -> None:
    door.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
    door.oparl.sync(AGS)
    before, candidates = objects(door), door.oparl.candidates(AGS)
    [again] = door.oparl.sync(AGS)
    assert (again.created, again.updated, again.deleted, again.new_candidates, again.changed_candidates) == (0, 0, 0, 0, 0)
    assert objects(door) == before and door.oparl.candidates(AGS) == candidates
    since = [r for r in server.requests if "modified_since=" in r]
    assert since and all("modified_since=2027-06-20T07:50:00+00:00" in r for r in since)  # raw, not %2B / %3A


def test_a_later_decision_and_a_deletion_reach_the_candidates(door, server: OParlServer, ) -> None:
    door.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
    door.oparl.sync(AGS)
    later = "2027-07-02T09:00:00+02:00"
    meeting2 = f"{server.base}/oparl/v1/meeting/2"
    server.change(f"{server.base}/oparl/v1/agendaitem/22", later, meeting2, result="geändert beschlossen")
    server.delete(f"{server.base}/oparl/v1/paper/1", later)
    door.service.clock.moment = SYNC_DAY + dt.timedelta(days=14)  # type: ignore[attr-defined]
    [report] = door.oparl.sync(AGS)
    assert (report.updated, report.deleted, report.changed_candidates) == (2, 1, 2)
    assert ("paper/1", True) in objects(door)
    [open_] = door.oparl.candidates(AGS)
    assert (open_.reference, open_.outcome) == ("DS 0900/27", "adopted_amended")
    gone = [row for row in door.oparl.candidates(AGS, all_=True) if row.status == "gone"]
    assert [row.reference for row in gone] == ["DS 0815/27"]


def test_a_cycle_in_the_application_phase_gets_the_participation_candidate(database_url: str, tmp_path: Path,
                                                                         server: OParlServer) -> None:
    server.objects["paper"].append({
        "id": f"{server.base}/oparl/v1/paper/9", "type": "https://schema.oparl.org/1.1/Paper",
        "name": "Teilnahme am Projekt „Global Nachhaltige Kommune Thüringen“", "reference": "DS 0012/27",
        "consultation": [{"id": f"{server.base}/oparl/v1/consultation/901",
                          "type": "https://schema.oparl.org/1.1/Consultation",
                          "paper": f"{server.base}/oparl/v1/paper/9", "agendaItem": f"{server.base}/oparl/v1/agendaitem/23",
                          "meeting": f"{server.base}/oparl/v1/meeting/2",
                          "organization": [f"{server.base}/oparl/v1/organization/1"], "authoritative": True}],
        "modified": "2027-06-16T09:00:00+02:00"})
    app, _ = rig(database_url, tmp_path, phase="application")
    try:
        app.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
        app.oparl.sync(AGS)
        [candidate] = app.oparl.candidates(AGS)
        assert (candidate.fact, candidate.reference) == ("participation_resolution", "DS 0012/27")
        accepted = app.oparl.accept(c.DecideCandidate(ags=AGS, candidate_id=candidate.id, actor=COORDINATOR))
        assert "url" not in accepted.fact.fields  # the fact type has no url field
    finally:
        app.close()


@pytest.mark.parametrize("quirks", [{"empty_404"}, {"empty_bare"}, {"refuse_encoded"}, {"flaky"}, {"cc_egov"}])
def test_each_quirk_of_real_servers_is_handled(database_url: str, tmp_path: Path, quirks: set[str]) -> None:
    app, _ = rig(database_url, tmp_path)
    with OParlServer(quirks=quirks) as server:
        try:
            app.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
            [first] = app.oparl.sync(AGS)
            [second] = app.oparl.sync(AGS)
            assert first.ok and first.created == 15 and first.new_candidates == 2
            assert second.ok and second.created + second.updated + second.deleted == 0
            strategy = app.oparl.candidates(AGS)[0]
            assert (strategy.meeting_date, strategy.outcome) == (dt.date(2027, 6, 15), "adopted")
        finally:
            app.close()


def test_retries_are_bounded_and_backed_off() -> None:
    waits: list[float] = []
    with OParlServer() as server, OParlClient(Limits(retries=2, retry_base_seconds=1), sleep=waits.append) as client:
        with pytest.raises(OParlError) as failed:
            client.get(f"{server.base}/always-500")
        assert failed.value.key == "oparl.server_error" and waits == [1, 2]
        assert server.requests.count("/always-500") == 3


@pytest.mark.parametrize(("path", "key"), [
    ("/html", "oparl.not_json"), ("/not-oparl", "oparl.not_oparl"), ("/huge", "oparl.too_large"),
    ("/loop", "oparl.redirects"), ("/nothing-here", "oparl.http_error"),
])
def test_bad_endpoints_are_refused_and_nothing_is_stored(door, path: str, key: str) -> None:
    with OParlServer() as server:
        with pytest.raises(InvalidInput) as refused:
            door.oparl.add(c.AddOParlSource(ags=AGS, url=server.base + path))
    assert refused.value.code == key
    assert door.oparl.status() == []


def test_an_unreachable_server_is_one_line_and_nothing_is_stored(door) -> None:
    with OParlServer() as server:
        closed = server.base  # the port is free again once the server has stopped
    with pytest.raises(InvalidInput) as refused:
        door.oparl.add(c.AddOParlSource(ags=AGS, url=closed + "/oparl/v1/system"))
    assert refused.value.code == "oparl.unreachable" and door.oparl.status() == []


def test_serve_runs_the_sync_on_the_configured_interval(database_url: str, tmp_path: Path, server: OParlServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import notifications.scheduler

    app, _ = rig(database_url, tmp_path)
    try:
        assert app.oparl.scheduled() is None  # the default: 0 = off
        app.settings.values["oparl"]["interval_minutes"] = 30
        scheduled: dict[str, object] = {}
        monkeypatch.setattr(notifications.scheduler, "serve",
                            lambda sweep, seconds, tz, also=None: scheduled.update(sweep=seconds, also=also))
        app.serve()
        seconds, job = scheduled["also"]  # type: ignore[misc]
        assert (scheduled["sweep"], seconds) == (300, 1800)
        app.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
        [report] = job()
        assert report["ok"] and report["new_candidates"] == 2  # the job is the sync of every source
    finally:
        app.close()


def test_forgetting_a_person_erases_them_from_the_candidates_they_decided(door, server: OParlServer) -> None:
    door.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
    door.oparl.sync(AGS)
    deferred = next(row for row in door.oparl.candidates(AGS) if row.outcome == "deferred")
    door.oparl.dismiss(c.DecideCandidate(ags=AGS, candidate_id=deferred.id, actor=DEPUTY))
    forgotten = door.privacy.forget(DEPUTY)
    [row] = [r for r in door.oparl.candidates(AGS, all_=True) if r.id == deferred.id]
    assert row.decided_by == forgotten.pseudonym != DEPUTY


def test_a_refused_record_gives_the_candidate_back(door, server: OParlServer) -> None:
    server.find(f"{server.base}/oparl/v1/organization/1")["name"] = "Hauptausschuss"
    door.oparl.add(c.AddOParlSource(ags=AGS, url=server.system_url))
    door.oparl.sync(AGS)
    strategy = next(row for row in door.oparl.candidates(AGS) if row.outcome == "adopted")
    with pytest.raises(InvalidInput):  # the fact's body is a choice that knows no Hauptausschuss
        door.oparl.accept(c.DecideCandidate(ags=AGS, candidate_id=strategy.id, actor=COORDINATOR))
    assert next(row for row in door.oparl.candidates(AGS) if row.id == strategy.id).status == "open"
    accepted = door.oparl.accept(c.DecideCandidate(ags=AGS, candidate_id=strategy.id, actor=COORDINATOR,
                                                   body="Stadtrat"))
    assert accepted.fact.fields["body"] == "Stadtrat"
    with pytest.raises(Conflict):
        door.oparl.dismiss(c.DecideCandidate(ags=AGS, candidate_id=strategy.id, actor=COORDINATOR))
