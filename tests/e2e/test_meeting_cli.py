"""`zyklus meeting` as a coordinator types it: plan, list, change, attend, minutes, results and
cancel with `--json`, the invitations waiting in the outbox for the next delivery; bad input is
one line on stderr, exit 1, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine_support import NOW, Member, dump, make_service, setup_municipality, sqlite_url, zyklus

AGS = "16051000"
ANNA = "anna.koch@erfurt.example"
SIGRID = "sigrid.steuerung@erfurt.example"
CARLA = "carla.zustimmung@erfurt.example"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "zyklus.db"
    assert zyklus("--db", sqlite_url(path), "init", cwd=tmp_path).returncode == 0
    service = make_service(sqlite_url(path), FixedClock(NOW))
    setup_municipality(service, AGS, "Erfurt", people=[Member("Anna Koch", ANNA, ("coordination",)),
                                                       Member("Sigrid Steuerung", SIGRID, ("steering_group",))])
    service.add_person(AGS, name="Carla Zustimmung", email=CARLA, roles=["steering_group"], consent_publish=True)
    service.engine.dispose()
    return path


def run(db: Path, *args: str, now: str = "2027-03-01T09:00"):
    return zyklus("--db", sqlite_url(db), "--now", now, *args, cwd=db.parent)


def as_json(db: Path, *args: str, now: str = "2027-03-01T09:00"):
    result = run(db, *args, "--json", now=now)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_meeting_from_planning_to_its_results(db: Path) -> None:
    added = as_json(db, "meeting", "add", AGS, "--as", ANNA, "--group", "steering_group", "--on", "2027-05-03T17:00",
                    "--place", "Rathaus, Raum 101", "--agenda", "1. Leitlinien\n2. Ziele")
    assert (added["group"], added["starts_at"], added["status"], added["invited"]) == (
        "steering_group", "2027-05-03T17:00:00+02:00", "planned", 3)
    meeting = str(added["id"])
    outbox = as_json(db, "outbox")
    assert sorted(row["recipient"] for row in outbox if row["kind"] == "meeting") == sorted([ANNA, SIGRID, CARLA])

    changed = as_json(db, "meeting", "change", meeting, "--as", ANNA, "--on", "2027-05-04T18:30")
    assert (changed["starts_at"], changed["sequence"]) == ("2027-05-04T18:30:00+02:00", 1)
    refused = run(db, "meeting", "attend", meeting, "--as", ANNA, "--count", "3")
    assert refused.returncode == 1 and "04.05.2027" in refused.stderr

    later = "2027-05-05T09:00"
    held = as_json(db, "meeting", "attend", meeting, "--as", ANNA, "--count", "19", "--person", CARLA,
                   "--person", SIGRID, now=later)
    assert (held["status"], held["attendance"], held["attendees"]) == ("held", 19, ["Carla Zustimmung"])
    assert as_json(db, "meeting", "minutes", meeting, "--as", ANNA, "--url", "https://erfurt.de/p/1.pdf",
                   now=later)["minutes"] == "https://erfurt.de/p/1.pdf"
    assert as_json(db, "meeting", "results", meeting, "--as", ANNA, "--text", "Leitlinien beschlossen",
                   now=later)["results"] == "Leitlinien beschlossen"
    [listed] = as_json(db, "meeting", "list", AGS, now=later)
    assert (listed["status"], listed["results"]) == ("held", "Leitlinien beschlossen")
    table = run(db, "meeting", "list", AGS, now=later)
    assert all(word in table.stdout for word in ("04.05.2027", "18:30", "Rathaus", "stattgefun")), table.stdout

    kinds = [entry["kind"] for entry in as_json(db, "history", AGS)]
    assert kinds.count("meeting") == 5  # added, changed, attendance, minutes, results

    second = str(as_json(db, "meeting", "add", AGS, "--as", ANNA, "--group", "core_team", "--on",
                         "2027-06-01T10:00", "--place", "Rathaus", "--agenda", "Bestandsaufnahme")["id"])
    cancelled = as_json(db, "meeting", "cancel", second, "--as", ANNA, "--reason", "Kernteam im Urlaub")
    assert (cancelled["status"], cancelled["sequence"], cancelled["cancel_reason"]) == ("cancelled", 1,
                                                                                       "Kernteam im Urlaub")
    assert as_json(db, "history", AGS)[-1]["reason"] == "Kernteam im Urlaub"


@pytest.mark.parametrize(("args", "expect"), [
    (("--group", "steering_group", "--on", "2027-02-30T17:00"), "2027-02-30T17:00"),
    (("--group", "beirat", "--on", "2027-05-03T17:00"), "Unbekannte Arbeitsstruktur 'beirat'"),
    # walkthrough #30: the change to summer time skips 02:00-03:00 on 28.03.2027 in Europe/Berlin
    (("--group", "core_team", "--on", "2027-03-28T02:30"),
     "02:30 gibt es am 28.03.2027 nicht (Umstellung auf Sommerzeit)."),
    (("--group", "steering_group", "--on", "2027-05-03T17:00", "--agenda", "Punkt 1\x07"),
     "Tagesordnung darf keine"),
])
def test_bad_input_is_one_line_and_changes_nothing(db: Path, args: tuple[str, ...], expect: str) -> None:
    before = dump(db)
    defaults = {"--place": "Rathaus", "--agenda": "Leitlinien"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    options = [item for key, value in {**defaults, **given}.items() for item in (key, value)]
    result = run(db, "meeting", "add", AGS, "--as", ANNA, *options)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and expect in result.stderr, result.stderr
    assert dump(db) == before


def test_a_skipped_time_is_refused_in_english_too_and_a_change_to_it_as_well(db: Path) -> None:
    result = run(db, "--lang", "en", "meeting", "add", AGS, "--as", ANNA, "--group", "core_team",
                 "--on", "2027-03-28T02:00", "--place", "Rathaus", "--agenda", "a")
    assert result.returncode == 1
    assert result.stderr == "02:00 does not exist on 2027-03-28 (clocks go forward to summer time).\n"
    meeting = as_json(db, "meeting", "add", AGS, "--as", ANNA, "--group", "core_team", "--on", "2027-03-28T03:00",
                      "--place", "Rathaus", "--agenda", "a")
    assert meeting["starts_at"] == "2027-03-28T03:00:00+02:00"
    before = dump(db)
    moved = run(db, "meeting", "change", str(meeting["id"]), "--as", ANNA, "--on", "2027-03-28T02:59")
    assert moved.returncode == 1 and "02:59 gibt es am 28.03.2027 nicht" in moved.stderr
    assert dump(db) == before


def test_a_time_the_autumn_change_repeats_is_its_first_occurrence_in_summer_time(db: Path) -> None:
    meeting = as_json(db, "meeting", "add", AGS, "--as", ANNA, "--group", "core_team", "--on", "2027-10-31T02:30",
                      "--place", "Rathaus", "--agenda", "a")
    assert meeting["starts_at"] == "2027-10-31T02:30:00+02:00"
