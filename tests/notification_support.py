"""Helpers for the reminder and delivery tests: a service with its planner and sweeper on a real
SQLite file, settings pointing at the aiosmtpd harness, and readers for what arrived.

Time is a FixedClock the test moves; nothing here sleeps for a schedule.
"""

from __future__ import annotations

import datetime as dt
import email.message
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from aiosmtpd.controller import Controller
from smtp_server import ScriptedHandler
from sqlalchemy import update
from sqlmodel import Session, col, select

from engine.clock import FixedClock, to_db
from engine.db.tables import Cycle, DefinitionVersion
from engine.definitions.model import Definition
from engine.service import Service
from engine_support import sqlite_url
from notifications.sweep import Sweeper, SweepReport
from notifications.tables import Outbox, Timer
from zyklus.bootstrap import bootstrap
from zyklus.config import SCHEMA, Settings

BERLIN = ZoneInfo("Europe/Berlin")
DOMAIN = "zyklus.test"
SENDER = "zyklus@erfurt.example"
AGS = "16051000"  # Erfurt
OTHER_AGS = "16055000"  # Weimar

ANNA = "anna.koordination@erfurt.de"  # coordination, German
JOHN = "john.coordination@erfurt.de"  # coordination, English
KAI = "kai.kernteam@erfurt.de"  # core team
OLGA = "olga.ob@erfurt.de"  # mayor's office
SIGRID = "sigrid.steuerung@erfurt.de"  # steering group only: never reminded


def local(year: int, month: int, day: int, hour: int = 7, minute: int = 0) -> dt.datetime:
    """A moment in Erfurt (the reminders of a day go out at 07:00 local time)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def default_values() -> dict[str, dict[str, Any]]:
    return {section: {key: default for key, (_, default) in keys.items()} for section, keys in SCHEMA.items()}


def make_settings(tmp_path: Path, *, smtp_port: int | None = None,
                  **sections: dict[str, Any]) -> Settings:
    """The real Settings class with the documented defaults, SMTP on 127.0.0.1 (plain, the local
    relay case) when a port is given, and per-section overrides: ``mail={"max_attempts": 3}``."""
    values = default_values()
    values["mail"].update(maildir=str(tmp_path / "maildir"), message_id_domain=DOMAIN)
    values["smtp"].update(sender=SENDER, timeout=10)
    if smtp_port is not None:
        values["smtp"].update(host="127.0.0.1", port=smtp_port, security="none")
    for section, overrides in sections.items():
        values[section].update(overrides)
    return Settings(None, values)


def write_config(path: Path, settings: Settings, db_file: Path) -> Path:
    """The same settings as a config.toml, for the command line."""
    values = {section: dict(keys) for section, keys in settings.values.items()}
    values["database"]["url"] = sqlite_url(db_file)
    lines = []
    for section, keys in values.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml(value)}" for key, value in keys.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Rig:
    """One process's view: a service (with the reminder planner subscribed) and a sweeper."""

    service: Service
    clock: FixedClock
    settings: Settings
    sweeper: Sweeper

    def at(self, moment: dt.datetime) -> "Rig":
        self.clock.moment = moment
        return self

    def sweep(self, **options: Any) -> SweepReport:
        return self.sweeper.sweep(**options)

    # -- reading the tables -------------------------------------------------------------------
    def outbox(self, **where: Any) -> list[Outbox]:
        with Session(self.service.engine) as session:
            query = select(Outbox).order_by(col(Outbox.id))
            for name, value in where.items():
                query = query.where(getattr(Outbox, name) == value)
            return list(session.exec(query))

    def timers(self, **where: Any) -> list[Timer]:
        with Session(self.service.engine) as session:
            query = select(Timer).order_by(col(Timer.fire_at), col(Timer.id))
            for name, value in where.items():
                query = query.where(getattr(Timer, name) == value)
            return list(session.exec(query))


def build_rig(url: str, clock: FixedClock, settings: Settings) -> Rig:
    """The service and sweeper as `zyklus` builds them (zyklus.bootstrap, the composition root) on
    a fresh schema; the settings name the workflow folders, mail server and limits."""
    door = bootstrap(settings, clock, db_url=url, require_schema=False)
    door.service.init_db()
    return Rig(door.service, clock, settings, door.reminders.sweeper)


def add_erfurt(service: Service, *, workflow: str = "kommune", on: dt.date | None = None,
               digest_for: tuple[str, ...] = (), ags: str = AGS, name: str = "Erfurt",
               people: tuple[str, ...] = (ANNA, JOHN, KAI, OLGA, SIGRID), catholic: bool = False) -> None:
    """A municipality with one person per kind of recipient, and (with ``on``) a running cycle."""
    service.add_municipality(ags, name, state="TH", kind="stadt", catholic_holidays=catholic)
    known = {ANNA: ("Anna Koordination", ["coordination"], "de"),
             JOHN: ("John Coordinator", ["coordination"], "en"),
             KAI: ("Kai Kernteam", ["core_team"], "de"),
             OLGA: ("Olga Oberbürgermeisterin", ["mayor_office"], "de"),
             SIGRID: ("Sigrid Steuerung", ["steering_group"], "de")}
    for address in people:
        person, roles, language = known[address]
        service.add_person(ags, name=person, email=address, roles=roles, language=language,
                           digest=address in digest_for)
    if on is not None:
        service.start_cycle(ags, workflow=workflow, on=on)


# -- a real fault: a stored definition from before labels were checked ------------------------------
def pin_a_stored_version_with_a_broken_label(rig: Rig, ags: str, *, stored_at: dt.datetime,
                                             label: tuple[str, ...] = ("phases", "setup", "label")) -> None:
    """What an installation from before the label check stored: the same workflow with a line
    break in a label (by default the first phase's), pinned to the town's running cycle."""
    with Session(rig.service.engine) as session:
        municipality = rig.service.municipality_in(session, ags)
        cycle = session.exec(select(Cycle).where(Cycle.municipality_id == municipality.id)).one()
        body = json.loads(session.get(DefinitionVersion, cycle.definition_id).body)
        text = body
        for key in label:
            text = text[key]
        text["de"] = text["de"].replace(" ", "\n", 1)
        broken = Definition.from_stored(body)
        row = DefinitionVersion(variant=broken.name, version=broken.version, body=broken.canonical_json,
                                created_at=to_db(stored_at))
        session.add(row)
        session.flush()
        session.execute(update(Cycle).where(Cycle.id == cycle.id).values(definition_id=row.id))
        session.commit()


# -- what the server received -----------------------------------------------------------------
def by_recipient(handler: ScriptedHandler) -> dict[str, list[email.message.EmailMessage]]:
    out: dict[str, list[email.message.EmailMessage]] = {}
    for received in handler.received:
        for rcpt in received.rcpt_tos:
            out.setdefault(rcpt, []).append(received.message)
    return out


def parts(message: email.message.EmailMessage) -> tuple[str, str, icalendar.Calendar | None]:
    """The plain text, the HTML alternative and the parsed calendar attachment (if any)."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None, "a reminder has text and HTML parts"
    calendars = [a for a in message.iter_attachments() if a.get_content_type() == "text/calendar"]
    calendar = None
    if calendars:
        payload = calendars[0].get_payload(decode=True)
        calendar = icalendar.Calendar.from_ical(payload)
    return text.get_content(), html.get_content(), calendar


def the_event(calendar: icalendar.Calendar | None) -> icalendar.Event:
    assert calendar is not None, "expected a calendar attachment"
    [event] = calendar.walk("VEVENT")
    return event


# -- a server on a given port (the "down, then up again" case) ------------------------------------
@contextmanager
def server_on(port: int, handler: ScriptedHandler) -> Iterator[int]:
    """The harness's handler on a port chosen by the test (the configured one)."""
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost")
    handler.controller = controller
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
