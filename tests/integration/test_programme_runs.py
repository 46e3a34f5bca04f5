"""Programme runs through the door: a run of three municipalities with four dated network
conferences, their reminders to each participant's coordinators (swept by a FixedClock that
travels, delivered over aiosmtpd), attendance, a municipality leaving, the advisor's scope and
weekly digest, and the label awarded to the participants that meet the run's criteria."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from smtp_server import ScriptedHandler
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine.db.run_tables import RunAttendance
from engine.db.tables import Municipality
from engine.errors import InvalidInput, NotFound
from engine_support import COORDINATOR, DEPUTY, record, record_phase, structure
from notification_support import by_recipient, local, make_settings, parts, the_event
from notifications.tables import Outbox, RunTimer
from zyklus.app import commands as c
from zyklus.app.access import Action
from zyklus.bootstrap import bootstrap

ERFURT, WEIMAR, JENA, GOTHA = "16051000", "16055000", "16053000", "16067029"
RUN = "gnk-th-2027"
START = dt.date(2027, 1, 4)
CONFERENCES = {"tagung-1": (dt.date(2027, 3, 10), "Erfurt", "Auftakt und Bestandsaufnahme"),
               "tagung-2": (dt.date(2027, 9, 15), "Weimar", "Leitlinien"),
               "tagung-3": (dt.date(2028, 3, 8), "Jena", "Handlungsprogramm"),
               "tagung-4": (dt.date(2028, 9, 13), "Erfurt", "Umsetzung")}
ADVISOR = "beraterin@zukunftsfaehiges-thueringen.example"


@pytest.fixture
def world(database_url: str, smtp_port: int, tmp_path: Path):
    """Erfurt, Weimar and Jena in the run from 04.01.2027 with four conferences; Gotha outside any run."""
    clock = FixedClock(local(2027, 1, 4, 9))
    door = bootstrap(make_settings(tmp_path, smtp_port=smtp_port), clock, db_url=database_url, require_schema=False)
    door.service.init_db()
    for ags, name, domain in ((ERFURT, "Erfurt", "erfurt.de"), (WEIMAR, "Weimar", "weimar.de"),
                              (JENA, "Jena", "jena.de"), (GOTHA, "Gotha", "gotha.de")):
        door.cycles.add_municipality(c.AddMunicipality(ags=ags, name=name))
        for member in structure(domain=domain):
            door.cycles.add_person(c.AddPerson(ags=ags, name=member.name, email=member.email, roles=list(member.roles)))
        door.cycles.start(c.StartCycle(ags=ags, on=START))
    door.runs.add(c.AddRun(run=RUN, name="GNK Thüringen, 3. Durchgang 2027–2029",
                           organiser="Zukunftsfähiges Thüringen e.V."))
    for ags in (ERFURT, WEIMAR, JENA):
        door.runs.join(c.JoinRun(run=RUN, ags=ags, on=START))
    for key, (on, place, topic) in CONFERENCES.items():
        door.runs.add_event(c.AddRunEvent(run=RUN, event=key, on=on, place=place, topic=topic))
    yield door, clock
    door.close()


def coordinators(ags_domain: str) -> set[str]:
    return {COORDINATOR, DEPUTY} if ags_domain == "erfurt.de" else {f"koordination{i}@{ags_domain}" for i in (0, 1)}


def sweep_at(door, clock: FixedClock, moment: dt.datetime):  # noqa: ANN001, ANN201
    clock.moment = moment
    return door.reminders.sweep()


def run_mails(door, kind: str = "run_event") -> list[Outbox]:  # noqa: ANN001
    with Session(door.service.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id)))


def test_conference_reminders_reach_every_participants_coordinators_until_it_leaves(
        world, smtp_handler: ScriptedHandler) -> None:
    door, clock = world
    shown = door.runs.show(RUN)
    assert [e.event for e in shown.events] == list(CONFERENCES) and len(shown.participants) == 3

    sweep_at(door, clock, local(2027, 2, 10, 7, 5))  # four weeks before the first conference
    mails = by_recipient(smtp_handler)
    expected = coordinators("erfurt.de") | coordinators("weimar.de") | coordinators("jena.de")
    first = {r.recipient for r in run_mails(door)}
    assert first == expected  # each participant's coordinators, nobody of Gotha, no core team
    [erfurt_mail] = [m for m in mails[COORDINATOR] if m["Subject"].startswith("Termin: Auftakt")]
    assert erfurt_mail["Subject"] == "Termin: Auftakt und Bestandsaufnahme am 10.03.2027 (GNK Thüringen, 3. Durchgang 2027–2029)"
    text, _html, calendar = parts(erfurt_mail)
    assert "Ort: Erfurt" in text
    event = the_event(calendar)
    assert str(event["UID"]) == f"zyklus-run-{RUN}-tagung-1-{ERFURT}@zyklus.test"
    assert event["DTSTART"].dt == dt.date(2027, 3, 10)

    door.runs.leave(c.LeaveRun(run=RUN, ags=JENA, on=dt.date(2027, 3, 1)))
    # Jena's coordinators had the conference in their calendars: its entry is cancelled
    cancelled = run_mails(door, "run_event_cancel")
    assert {r.recipient for r in cancelled} == coordinators("jena.de")
    sweep_at(door, clock, local(2027, 3, 3, 7, 5))  # one week before
    [cancel] = [m for m in by_recipient(smtp_handler)["koordination0@jena.de"] if m["Subject"].startswith("Abgesagt")]
    _text, _html, calendar = parts(cancel)
    assert calendar["METHOD"] == "CANCEL"
    assert str(the_event(calendar)["UID"]) == f"zyklus-run-{RUN}-tagung-1-{JENA}@zyklus.test"
    second = {r.recipient for r in run_mails(door)[len(first):]}
    assert second == coordinators("erfurt.de") | coordinators("weimar.de")  # Jena left: no more reminders
    with Session(door.service.engine) as session:
        timers = session.exec(select(RunTimer, Municipality.ags).join(Municipality)).all()
        assert sum(1 for t, _ in timers if t.outcome == "queued") == 3 + 2
        # Jena's reminder that went out stays on record; those of the dates after it left are gone
        assert [(t.rule, t.outcome) for t, ags in timers if ags == JENA] == [("P28D", "queued")]

    # The variant's conference offsets (P2M …) no longer remind the run's municipalities; Gotha,
    # in no run, keeps them as before.
    reminded = {r.recipient.split("@")[1] for r in run_mails(door, "event")}
    assert "gotha.de" in reminded and "erfurt.de" not in reminded and "weimar.de" not in reminded


def test_a_moved_conference_moves_its_reminders_and_a_removed_one_is_cancelled(world) -> None:
    door, clock = world
    door.runs.add_event(c.AddRunEvent(run=RUN, event="tagung-2", on=dt.date(2027, 10, 6), place="Weimar",
                                      topic="Leitlinien"))
    sweep_at(door, clock, local(2027, 8, 18, 7, 5))  # four weeks before the old date: nothing
    assert [r for r in run_mails(door) if "Leitlinien" in r.subject] == []
    sweep_at(door, clock, local(2027, 9, 8, 7, 5))  # four weeks before the new one
    moved = [r for r in run_mails(door) if "Leitlinien" in r.subject]
    assert moved and all("06.10.2027" in r.subject for r in moved)
    sweep_at(door, clock, local(2028, 2, 9, 7, 5))  # four weeks before the third conference
    assert len([r for r in run_mails(door) if "Handlungsprogramm" in r.subject]) == 6
    door.runs.remove_event(RUN, "tagung-3")
    assert {r.recipient for r in run_mails(door, "run_event_cancel")} == (
        coordinators("erfurt.de") | coordinators("weimar.de") | coordinators("jena.de"))
    sweep_at(door, clock, local(2028, 3, 1, 7, 5))  # its one-week reminder is gone with it
    assert len([r for r in run_mails(door) if "Handlungsprogramm" in r.subject]) == 6


def test_attendance_is_a_count_with_names_of_those_who_consented(world) -> None:
    door, _clock = world
    recorded = door.runs.attend(c.RecordEventAttendance(run=RUN, event="tagung-1", ags=ERFURT, count=3,
                                                   names=["Anna Koordination"]))
    assert (recorded.count, recorded.names) == (3, ["Anna Koordination"])
    door.runs.attend(c.RecordEventAttendance(run=RUN, event="tagung-1", ags=WEIMAR, count=2))
    door.runs.attend(c.RecordEventAttendance(run=RUN, event="tagung-1", ags=ERFURT, count=4, names=[]))  # corrected
    [first] = [e for e in door.runs.events(RUN) if e.event == "tagung-1"]
    assert first.attended == 2
    with pytest.raises(InvalidInput):
        door.runs.attend(c.RecordEventAttendance(run=RUN, event="tagung-1", ags=GOTHA, count=1))  # not in the run
    with pytest.raises(InvalidInput):
        door.runs.attend(c.RecordEventAttendance(run=RUN, event="tagung-1", ags=JENA, count=1, names=["A", "B"]))


def test_the_advisors_scope_follows_the_runs_participants(world) -> None:
    door, clock = world
    door.accounts.add(ADVISOR, name="Beate Beraterin")
    door.runs.add_advisor(c.AddRunAdvisor(run=RUN, email=ADVISOR))
    advisor = door.accounts.principal(ADVISOR)
    assert advisor.is_advisor and advisor.advisor_runs == {RUN}
    assert all(advisor.may(Action.READ, ags, "TH") for ags in (ERFURT, WEIMAR, JENA))
    assert advisor.may(Action.COMMENT, JENA, "TH") and not advisor.may(Action.RECORD, JENA, "TH")
    assert not advisor.may(Action.READ, GOTHA, "TH")
    assert door.accounts.visible(advisor) == sorted([ERFURT, JENA, WEIMAR])

    door.runs.leave(c.LeaveRun(run=RUN, ags=JENA, on=dt.date(2027, 3, 1)))
    clock.moment = local(2027, 3, 2, 9)
    later = door.accounts.principal(ADVISOR)
    assert not later.may(Action.READ, JENA, "TH") and later.may(Action.READ, WEIMAR, "TH")


def test_run_status_shows_every_participant_in_one_table(world) -> None:
    door, clock = world
    clock.moment = local(2027, 4, 14, 9)  # the application phase (three months) is overdue
    status = door.runs.status(RUN)
    assert [row.ags for row in status.participants] == [ERFURT, JENA, WEIMAR]
    erfurt = status.participants[0]
    assert erfurt.phase == "application" and erfurt.due_on is not None and erfurt.overdue_days > 0
    assert erfurt.overdue_days == (dt.date(2027, 4, 14) - erfurt.due_on).days
    assert erfurt.open_conditions  # the application, letter of intent, resolution to take part
    data = status.as_json()
    assert data["run"] == RUN and data["participants"][0]["due_on"] == erfurt.due_on.isoformat()


def test_the_advisor_gets_one_weekly_digest_of_whats_overdue(world, smtp_handler: ScriptedHandler) -> None:
    door, clock = world
    door.accounts.add(ADVISOR, name="Beate Beraterin")
    door.runs.add_advisor(c.AddRunAdvisor(run=RUN, email=ADVISOR))
    sweep_at(door, clock, local(2027, 1, 11, 7, 5))  # a Monday, nothing overdue yet
    assert run_mails(door, "run_digest") == []
    # Erfurt's deadline was extended; Weimar's and Jena's application phase runs out on 05.04.
    door.cycles.set_deadline(c.SetDeadline(ags=ERFURT, due=dt.date(2027, 6, 30), actor=COORDINATOR,
                                           reason="Ratssitzung erst im Juni"))
    sweep_at(door, clock, local(2027, 4, 12, 7, 5))  # Monday after the application phase's deadline
    sweep_at(door, clock, local(2027, 4, 14, 7, 5))  # the same week: no second digest
    [digest] = run_mails(door, "run_digest")
    assert digest.recipient == ADVISOR and digest.subject == "Wochenübersicht 2027-W15: 2 überfällig"
    assert "Jena (16053000" in digest.text and "Weimar (16055000" in digest.text and "Erfurt" not in digest.text
    assert ADVISOR in by_recipient(smtp_handler)
    sweep_at(door, clock, local(2027, 4, 19, 7, 5))  # the next week: the next digest
    assert len(run_mails(door, "run_digest")) == 2


def test_the_label_goes_to_participants_that_meet_the_criteria(world) -> None:
    door, clock = world
    assert door.runs.show(RUN).award_requires == ["council_resolution"]
    on = START
    for phase in ("application", "setup", "inventory", "strategy", "council_resolution"):
        on += dt.timedelta(days=30)
        record_phase(door.service, phase, ags=ERFURT, on=on)
        door.service.advance(ERFURT, actor=COORDINATOR, on=on)
    record(door.service, "council_resolution", ags=WEIMAR, actor="koordination0@weimar.de", result="deferred",
           on=dt.date(2028, 3, 9))  # a deferred paper resolved nothing: no label for it
    clock.moment = local(2028, 7, 8, 10)
    preview = door.runs.award_checks(RUN, dt.date(2028, 7, 8))  # the checklist before: it writes nothing
    assert [(k.fact, k.label) for k in preview.criteria] == [("council_resolution", "Ratsbeschluss")]
    assert {ch.ags: ch.missing_labels for ch in preview.checks} == {ERFURT: [], WEIMAR: ["Ratsbeschluss"],
                                                                  JENA: ["Ratsbeschluss"]}
    assert door.cycles.status(ERFURT).awards == []
    result = door.runs.award(c.AwardRun(run=RUN, on=dt.date(2028, 7, 8)))
    checks = {check.ags: check for check in result.checks}
    assert result.by == "Zukunftsfähiges Thüringen e.V." and result.label == "Global Nachhaltige Kommune Thüringen"
    assert checks[ERFURT].awarded and checks[ERFURT].missing == []
    assert not checks[WEIMAR].awarded and checks[WEIMAR].missing == ["council_resolution"]
    [award] = door.cycles.status(ERFURT).awards
    assert (award.label, award.on, award.run) == ("Global Nachhaltige Kommune Thüringen", dt.date(2028, 7, 8), RUN)
    assert door.cycles.status(WEIMAR).awards == []
    report = door.programme.report_html(ERFURT)
    assert ("Ausgezeichnet als Global Nachhaltige Kommune Thüringen am 08.07.2028 (Zukunftsfähiges Thüringen e.V.)"
            in report)
    assert "Ausgezeichnet als" not in door.programme.report_html(WEIMAR)
    entry = door.cycles.history(ERFURT)[-1]
    assert entry.kind == "award" and entry.details["by"] == "Zukunftsfähiges Thüringen e.V."
    again = door.runs.award(c.AwardRun(run=RUN, on=dt.date(2028, 7, 9)))
    assert {ch.ags for ch in again.checks if ch.already} == {ERFURT}
    assert len(door.cycles.status(ERFURT).awards) == 1


def test_a_run_with_land_and_span_gets_the_variants_conference_plan(world) -> None:
    door, _clock = world
    start = dt.date(2029, 1, 7)
    row = door.runs.add(c.AddRun(run="gnk-th-2029", name="GNK Thüringen, 4. Durchgang", state="th", starts_on=start,
                                 ends_on=dt.date(2031, 6, 30), plan_conferences=True))
    assert (row.state, row.starts_on, row.ends_on) == ("TH", start, dt.date(2031, 6, 30))
    # gnk-thueringen plans its four network conferences 2, 8, 14 and 20 months after the start
    assert [(e.event, e.on, e.topic) for e in row.events] == [
        ("tagung-1", dt.date(2029, 3, 7), "1. Netzwerktagung"), ("tagung-2", dt.date(2029, 9, 7), "2. Netzwerktagung"),
        ("tagung-3", dt.date(2030, 3, 7), "3. Netzwerktagung"), ("tagung-4", dt.date(2030, 9, 7), "4. Netzwerktagung")]
    assert [p.on for p in door.runs.conference_plan("gnk-thueringen", start, "en")] == [e.on for e in row.events]
    assert door.runs.conference_plan("gnk-thueringen", lang="en")[0].label == "1st network conference"


@pytest.mark.parametrize(("fields", "code"), [
    ({"starts_on": dt.date(2029, 1, 7), "ends_on": dt.date(2028, 12, 31)}, "run.ends_before_start"),
    ({"plan_conferences": True}, "run.plan_needs_start"),
    ({"state": "XX"}, "state.invalid"),
])
def test_a_run_with_a_wrong_span_or_land_is_refused_and_not_added(world, fields: dict, code: str) -> None:
    door, _clock = world
    with pytest.raises(InvalidInput) as refused:
        door.runs.add(c.AddRun(run="gnk-th-2029", name="GNK Thüringen, 4. Durchgang", **fields))
    assert refused.value.code == code
    assert [r.run for r in door.runs.list()] == [RUN]


def test_an_award_before_the_runs_start_is_refused(world) -> None:
    door, _clock = world
    door.runs.add(c.AddRun(run="gnk-th-2029", name="4. Durchgang", starts_on=dt.date(2029, 1, 7)))
    door.runs.join(c.JoinRun(run="gnk-th-2029", ags=GOTHA, on=dt.date(2029, 1, 7)))
    with pytest.raises(InvalidInput) as refused:
        door.runs.award(c.AwardRun(run="gnk-th-2029", on=dt.date(2028, 12, 1)))
    assert refused.value.code == "run.award_before_start"


LEIPZIG = "14713000"


def test_joining_before_the_start_or_from_another_land_is_refused_and_nothing_joins(world) -> None:
    """As an award before the run's start is refused, so is a join; a run naming its Land is that
    Land's programme, while a run without a Land takes anyone (walkthrough finding 25)."""
    door, _clock = world
    door.cycles.add_municipality(c.AddMunicipality(ags=LEIPZIG, name="Leipzig", state="SN"))
    door.runs.add(c.AddRun(run="gnk-th-2029", name="4. Durchgang", state="TH", starts_on=dt.date(2029, 12, 1)))
    for ags, on, code, words in ((JENA, dt.date(2028, 1, 1), "run.join_before_start", "01.01.2028"),
                                 (LEIPZIG, dt.date(2029, 12, 1), "run.join_other_state", "Leipzig (14713000) liegt in SN")):
        with pytest.raises(InvalidInput) as refused:
            door.runs.join(c.JoinRun(run="gnk-th-2029", ags=ags, on=on))
        assert refused.value.code == code and words in refused.value.message
    assert door.runs.show("gnk-th-2029").participants == []
    door.runs.join(c.JoinRun(run="gnk-th-2029", ags=JENA, on=dt.date(2029, 12, 1)))  # its start day is fine
    door.runs.join(c.JoinRun(run=RUN, ags=LEIPZIG, on=START))  # the run without a Land


def test_an_advisor_removed_from_the_run_keeps_the_account_and_loses_its_scope(world) -> None:
    door, _clock = world
    door.accounts.add(ADVISOR, name="Beate Beraterin")
    door.runs.add_advisor(c.AddRunAdvisor(run=RUN, email=ADVISOR))
    door.runs.remove_advisor(c.RemoveRunAdvisor(run=RUN, email=ADVISOR.upper()))
    assert door.runs.show(RUN).advisors == []
    advisor = door.accounts.principal(ADVISOR)
    assert advisor.advisor_runs == frozenset() and not advisor.may(Action.READ, ERFURT, "TH")
    with pytest.raises(NotFound) as refused:
        door.runs.remove_advisor(c.RemoveRunAdvisor(run=RUN, email=ADVISOR))
    assert refused.value.code == "run.advisor_unknown"


def test_forgetting_a_person_removes_their_name_from_the_attendance(world) -> None:
    door, _clock = world
    door.runs.attend(c.RecordEventAttendance(run=RUN, event="tagung-1", ags=ERFURT, count=2, names=["Koordination 0"]))
    door.privacy.forget(COORDINATOR)  # registered as „Koordination 0“
    with Session(door.service.engine) as session:
        [row] = session.exec(select(RunAttendance)).all()
    assert row.count == 2 and "Koordination 0" not in row.names
