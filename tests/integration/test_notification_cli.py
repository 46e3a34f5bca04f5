"""The notification commands as an operator uses them: `outbox`, `outbox retry`, `remind --dry-run`,
`calendar`, and input validation that keeps line breaks out of mail headers.

The cycle is prepared through the service on the same SQLite file the command reads (one process
plans, another inspects, as in production); the commands run in-process through typer's CliRunner
with a config.toml in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from notification_support import (AGS, ANNA, DOMAIN, JOHN, Rig, add_erfurt, by_recipient, local, make_settings,
                                  write_config)
from smtp_server import ScriptedHandler
from typer.testing import CliRunner

from engine.errors import InvalidInput
from engine_support import dump
from notifications.mail import HeaderInjectionError, OutgoingMail, build_message
from zyklus.main import app, run

MakeRig = Callable[..., Rig]
START = dt.date(2026, 12, 15)
T0 = local(2026, 12, 15, 9)
CLEAN_ENV = {"ZYKLUS_DB": None, "ZYKLUS_NOW": None, "ZYKLUS_CONFIG": None, "ZYKLUS_LANG": None}


class Cli:
    def __init__(self, config: Path) -> None:
        self.config = config
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True):
        result = self.runner.invoke(app, ["--config", str(self.config), *args], env=CLEAN_ENV)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    def json(self, *args: str):
        return json.loads(self(*args).stdout)



@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The CLI reads the same SQLite file the rig writes (and `dump` compares it byte for byte);
    PostgreSQL is covered by the rig-level and multi-worker tests."""
    return f"sqlite:///{tmp_path / 'zyklus.db'}"

@pytest.fixture
def setup(make_rig: MakeRig, tmp_path: Path):
    def make(port: int, *, workflow: str = "kommune", people=(ANNA,)) -> tuple[Rig, Cli]:
        settings = make_settings(tmp_path, smtp_port=port)
        rig = make_rig(settings, T0)
        add_erfurt(rig.service, on=START, workflow=workflow, people=people)
        return rig, Cli(write_config(tmp_path / "config.toml", settings, tmp_path / "zyklus.db"))

    return make


# --- the outbox: failed, visible, retried by hand -------------------------------------------------------------


def test_550_shows_in_outbox_failed_and_outbox_retry_sends_it(setup, start_smtp_server) -> None:
    handler = ScriptedHandler(data_replies=["550 5.7.1 Message rejected as spam"])
    rig, cli = setup(start_smtp_server(handler))
    rig.sweep()

    [failed] = cli.json("outbox", "--failed", "--json")

    assert failed["status"] == "failed" and failed["recipient"] == ANNA
    assert failed["last_error"] == "550 5.7.1 Message rejected as spam" and failed["attempts"] == 1
    assert failed["subject"] == "Neue Phase: Aufbau der Arbeitsstrukturen (Erfurt)"
    table = cli("outbox").stdout
    assert "failed" in table and "550" in table

    retried = cli("--now", "2026-12-15T10:00", "outbox", "retry", str(failed["id"]))

    assert f"#{failed['id']} wird bei der nächsten Erinnerungsrunde erneut gesendet." in retried.stdout
    [row] = rig.outbox()
    assert (row.status, row.attempts) == ("pending", 0)
    assert cli.json("outbox", "--failed", "--json") == []
    rig.at(local(2026, 12, 15, 10)).sweep()  # the server accepts now (its script is used up)
    [row] = rig.outbox()
    assert row.status == "sent" and row.reply.startswith("250")
    [received] = handler.received
    assert received.message["Message-ID"] == failed["message_id"]
    [listed] = cli.json("outbox", "--json")
    assert listed["status"] == "sent" and listed["sent_at"] is not None


def test_outbox_retry_of_a_sent_mail_is_refused(setup, smtp_port: int) -> None:
    rig, cli = setup(smtp_port)
    rig.sweep()
    [row] = rig.outbox()

    result = cli("outbox", "retry", str(row.id), ok=False)

    assert result.exit_code == 1 and result.exception is not None
    assert rig.outbox()[0].status == "sent"


# --- remind: one sweep at a given moment --------------------------------------------------------------------------


def test_remind_dry_run_lists_the_mails_and_changes_nothing(setup, smtp_port: int, smtp_handler: ScriptedHandler,
                                                            tmp_path: Path) -> None:
    rig, cli = setup(smtp_port, people=(ANNA, JOHN))
    rig.sweep()
    smtp_handler.received.clear()
    before = dump(tmp_path / "zyklus.db")

    report = cli.json("remind", "--now", "2027-03-01T07:00", "--dry-run", "--json")

    assert report["now"] == "2027-03-01T07:00:00+01:00"
    assert sorted((m["to"], m["kind"], m["subject"]) for m in report["mails"]) == [
        (ANNA, "before", "Erinnerung: Aufbau der Arbeitsstrukturen – Frist am 15.03.2027 (Erfurt)"),
        (JOHN, "before", "Reminder: Setting up working structures due on 2027-03-15 (Erfurt)")]
    assert dump(tmp_path / "zyklus.db") == before  # timers unclaimed, outbox untouched
    assert smtp_handler.received == []

    real = cli.json("remind", "--now", "2027-03-01T07:00", "--json")  # the same moment, for real

    assert real["queued"] == 2 and real["delivery"] == {"sent": 2, "retry": 0, "failed": 0}
    assert set(by_recipient(smtp_handler)) == {ANNA, JOHN}
    assert cli.json("remind", "--now", "2027-03-01T07:00", "--json")["queued"] == 0  # run twice: nothing new


def test_remind_prints_a_summary(setup, smtp_port: int) -> None:
    _, cli = setup(smtp_port)

    out = cli("remind", "--now", "2026-12-15T09:30").stdout

    assert "Erinnerungsrunde 2026-12-15T09:30:00+01:00: 1 E-Mails erzeugt, 1 gesendet" in out


# --- calendar export ------------------------------------------------------------------------------------------------


def test_calendar_export_has_the_deadline_and_the_network_conferences(setup, smtp_port: int) -> None:
    rig, cli = setup(smtp_port, workflow="gnk-thueringen")

    calendar = icalendar.Calendar.from_ical(cli("calendar", AGS).stdout_bytes)

    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    deadline = events[f"zyklus-{AGS}-1-application@{DOMAIN}"]
    assert deadline.start == dt.date(2027, 3, 15) and deadline["SEQUENCE"] == 0
    assert str(deadline["SUMMARY"]) == "Frist: Bewerbung und Teilnahmebeschluss (Erfurt)"
    conferences = {uid: e.start for uid, e in events.items() if "network_conference" in uid}
    assert conferences == {
        f"zyklus-{AGS}-1-network_conference_1-1@{DOMAIN}": dt.date(2027, 2, 15),
        f"zyklus-{AGS}-1-network_conference_2-1@{DOMAIN}": dt.date(2027, 8, 15),
        f"zyklus-{AGS}-1-network_conference_3-1@{DOMAIN}": dt.date(2028, 2, 15),
        f"zyklus-{AGS}-1-network_conference_4-1@{DOMAIN}": dt.date(2028, 8, 15)}
    assert "METHOD" not in calendar  # a file to import, not an invitation

    rig.service.set_deadline(AGS, "2027-04-01", actor=ANNA, reason="Bewerbungsfrist verlängert")
    moved = icalendar.Calendar.from_ical(cli("calendar", AGS).stdout_bytes)
    [deadline] = [e for e in moved.walk("VEVENT") if str(e["UID"]) == f"zyklus-{AGS}-1-application@{DOMAIN}"]
    assert (deadline.start, deadline["SEQUENCE"]) == (dt.date(2027, 4, 1), 1)


def test_calendar_export_of_a_town_without_a_running_cycle_says_so(setup, smtp_port: int, capsys) -> None:
    rig, cli = setup(smtp_port)
    rig.service.add_municipality("16055000", "Weimar", state="TH", kind="stadt")

    result = cli("calendar", "16055000")

    assert result.stdout_bytes == b""  # no invalid, empty calendar file
    assert result.stderr == "16055000: kein laufender Zyklus mit Fristen oder Terminen; keine Kalenderdatei geschrieben.\n"


# --- header injection -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Anna\nBcc: everyone@example.org", "Anna\r\nSchmidt", "Anna\u2028Schmidt"])
def test_person_add_refuses_a_name_with_a_line_break(setup, smtp_port: int, capsys, name: str) -> None:
    rig, cli = setup(smtp_port)

    code = run(["--config", str(cli.config), "person", "add", AGS, "--name", name,
                "--email", "neu@erfurt.de", "--role", "coordination"])

    assert code == 1
    assert capsys.readouterr().err.count("\n") == 1  # one line, no traceback
    assert "neu@erfurt.de" not in {p.email for p in rig.service.people(AGS)}
    with pytest.raises(InvalidInput):
        rig.service.add_municipality("16055000", "Weimar\r\nBcc: x@example.org", state="TH", kind="stadt")


def test_build_message_refuses_a_subject_with_cr_lf() -> None:
    mail = OutgoingMail(key="k", message_id="<k@zyklus.test>", sender="zyklus@erfurt.example",
                        recipients=(ANNA,), subject="Frist\r\nBcc: everyone@example.org", text="x")
    with pytest.raises(HeaderInjectionError):
        build_message(mail)


def test_a_tampered_outbox_subject_never_reaches_the_wire(setup, smtp_port: int,
                                                          smtp_handler: ScriptedHandler) -> None:
    from sqlalchemy import update

    from notifications.tables import Outbox

    rig, _ = setup(smtp_port)
    rig.sweep(deliver=False)
    with rig.service.engine.begin() as connection:
        connection.execute(update(Outbox).values(subject="Neue Phase\r\nBcc: everyone@example.org"))

    rig.sweep()

    [row] = rig.outbox()
    assert row.status == "failed" and "CR, LF or NUL" in row.last_error
    assert smtp_handler.received == []
