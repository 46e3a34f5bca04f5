"""Personal data of the working structures: access (GDPR Art. 15) and erasure (Art. 17).

zyklus stores, per person: name, work e-mail, roles, organisation, language, digest choice and
the consent to be named in published reports. The history must stay consistent after erasure,
so the person's address there is replaced by a random pseudonym that maps back to nobody.

Erasure is complete, not only in the rows that belong to the person: other people's mails quote
the address (the "next steps" say ``--as anna.koch@…``), lists and digests name them, and
coordinators type names into facts. So after the person rows are gone and the subscribers (the
outbox, the maildir) have done their part, every text column of every table in the database is
searched and each occurrence of the address or a name is replaced by the pseudonym; SQLite is
then rebuilt, so the deleted bytes do not linger in free pages or the write-ahead log.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import JSON, Connection, Engine, LargeBinary, MetaData, String, Table, Text, cast, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from engine import validate
from engine.db.tables import Cycle, Fact, History, Municipality, Person
from engine.errors import NotFound
from engine.events import PersonForgotten
from engine.i18n import m
from engine.service import Service

MIN_NAME = 4
"""A shorter name ("OB", an initial) cannot be told apart from ordinary words: replacing it in
every text would garble the database, so it is erased with the person rows and the outbox
fields that hold it, but not searched in free text."""
_CHUNK = 500


@dataclass(frozen=True)
class Redaction:
    """What identifies the person (their address and names) and what replaces it everywhere.

    Matching ignores letter case and also finds the forms a value takes inside HTML (escaped),
    iCalendar text (``\\,`` and ``\\;`` escaped, lines folded) and JSON (non-ASCII escaped)."""

    pseudonym: str
    needles: tuple[str, ...]

    @classmethod
    def of(cls, event: PersonForgotten) -> Redaction:
        names = tuple(name for name in event.names if len(name) >= MIN_NAME)
        return cls(event.pseudonym, (event.email, *names))

    @cached_property
    def forms(self) -> tuple[str, ...]:
        """Every spelling of every needle as stored: plain, HTML-escaped, iCalendar-escaped."""
        found: dict[str, None] = {}
        for needle in self.needles:
            for form in (needle, html.escape(needle), html.escape(needle, quote=False),
                         re.sub(r"([\\,;])", r"\\\1", needle)):
                found.setdefault(form)
        return tuple(sorted(found, key=len, reverse=True))

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(form) for form in self.forms), re.IGNORECASE)

    @property
    def search_terms(self) -> tuple[str, ...]:
        """What a text or JSON column contains if any form is in it (JSON escapes non-ASCII)."""
        return tuple(dict.fromkeys([*self.forms, *(json.dumps(form)[1:-1] for form in self.forms)]))

    def text(self, value: str) -> str:
        return self._pattern.sub(self.pseudonym, value)

    def calendar(self, data: bytes) -> bytes:
        """Unfold the content lines, replace, fold again: a folded line may split an address."""
        from icalendar.parser import Contentline, Contentlines  # only an erasure needs it, not every command

        lines = Contentlines.from_ical(data.decode("utf-8"))
        return Contentlines(Contentline(self.text(line)) for line in lines).to_ical()

    def value(self, value: Any) -> Any:
        """Replace inside any stored value: strings, JSON structures (keys too), bytes."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, bytes):
            return self._bytes(value)
        return value

    def _bytes(self, value: bytes) -> bytes:
        try:
            decoded = value.decode("utf-8")
        except UnicodeDecodeError:
            return value  # not text: nothing zyklus writes there names a person
        if decoded.lstrip().startswith("BEGIN:VCALENDAR"):
            return self.calendar(value)
        return self.text(decoded).encode("utf-8")


def _people(session: Session, email: str) -> list[tuple[Person, Municipality]]:
    return list(session.exec(select(Person, Municipality).join(Municipality).where(Person.email == email)))


def export_person(service: Service, email: str) -> dict[str, Any]:
    """Everything the engine keeps about one address, across municipalities."""
    email = validate.email(email, service.lang)
    with Session(service.engine) as session:
        found = _people(session, email)
        if not found:
            raise NotFound(m("person.nowhere", service.lang, email=email))
        history = session.exec(select(History, Cycle.number, Municipality.ags)
                               .join(Cycle, col(History.cycle_id) == Cycle.id).join(Municipality)
                               .where(func.lower(History.actor) == email).order_by(col(History.id))).all()
        facts = session.exec(select(Fact, Municipality.ags).join(Cycle, col(Fact.cycle_id) == Cycle.id)
                             .join(Municipality).where(func.lower(Fact.actor) == email)
                             .order_by(col(Fact.id))).all()
        return {
            "email": email,
            "memberships": [{"ags": m.ags, "municipality": m.name, "name": p.name, "roles": p.roles,
                             "organisation": p.organisation, "consent_publish": p.consent_publish,
                             "language": p.language, "digest": p.digest, "registered_at": p.created_at.isoformat()}
                            for p, m in found],
            "history": [{"ags": ags, "cycle": n, "on": h.on.isoformat(), "kind": h.kind, "trigger": h.trigger,
                         "from": h.from_phase, "to": h.to_phase, "reason": h.reason} for h, n, ags in history],
            "facts_recorded": [{"ags": ags, "type": f.type, "on": f.on.isoformat(), "fields": f.fields}
                               for f, ags in facts],
        }


@dataclass(frozen=True)
class Forgotten:
    email: str
    """The address as stored (lower case), whatever case it was typed in."""
    pseudonym: str
    compacted: bool
    """False when another process kept SQLite's write-ahead log from being emptied."""


def forget_person(service: Service, email: str) -> Forgotten:
    """Delete the person everywhere; their address and names are replaced by a pseudonym in
    every row that still mentions them. Subscribers (the outbox, the maildir) do their part in
    the same transaction, so a failure leaves everything as it was and `forget` can run again."""
    email = validate.email(email, service.lang)
    pseudonym = f"person-{secrets.token_hex(5)}"
    with service.unit() as session:
        found = _people(session, email)
        if not found:
            raise NotFound(m("person.nowhere", service.lang, email=email))
        names = tuple(dict.fromkeys(person.name for person, _ in found))
        for person, _municipality in found:
            session.delete(person)
        session.flush()
        event = PersonForgotten(email, pseudonym, names)
        service.bus.publish(event, session)
        redact_database(session.connection(), Redaction.of(event))
    return Forgotten(email, pseudonym, compact(service.engine))


def redact_database(connection: Connection, redaction: Redaction) -> None:
    """Every table of the database as it is (reflected, so a table of an add-on that this
    process did not import is searched too), every column that can hold text; not the other
    people's own rows, where a namesake keeps their name."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    for table in metadata.sorted_tables:
        if table.name != Person.__tablename__:  # the person's rows are gone; a namesake keeps their name
            _redact_table(connection, table, redaction)


def _redact_table(connection: Connection, table: Table, redaction: Redaction) -> None:
    columns = [c for c in table.columns if isinstance(c.type, (String, JSON, LargeBinary))]
    keys = list(table.primary_key.columns)
    if not columns or len(keys) != 1:
        return
    key = keys[0]
    for ids in _chunks(_candidates(connection, table, key, columns, redaction)):
        for row in connection.execute(sa_select(key, *columns).where(key.in_(ids))).mappings():
            changes = {c.name: new for c in columns if (new := redaction.value(row[c.name])) != row[c.name]}
            if changes:
                connection.execute(table.update().where(key == row[key.name]).values(**changes))


def _candidates(connection: Connection, table: Table, key: Any, columns: Sequence[Any],
                redaction: Redaction) -> list[Any]:
    """Rows whose text contains a search term (case-insensitively, in SQL); binary columns
    (calendar attachments) fold their lines, which no LIKE can see through, so every row that
    has one is a candidate."""
    found = [cast(c, Text).icontains(term, autoescape=True)
             for c in columns if not isinstance(c.type, LargeBinary) for term in redaction.search_terms]
    found += [c.is_not(None) for c in columns if isinstance(c.type, LargeBinary)]
    return list(connection.execute(sa_select(key).where(or_(*found))).scalars())


def _chunks(ids: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def compact(engine: Engine) -> bool:
    """SQLite keeps deleted and overwritten bytes in free pages, in the unused space of pages
    (also from updates long before the erasure) and in the write-ahead log. VACUUM rebuilds the
    file from the live rows only; the checkpoint then moves it out of the log and truncates the
    log to nothing. (``secure_delete`` would only zero what this transaction frees.) PostgreSQL
    keeps dead row versions until its own VACUUM: see docs/operations.md. False when a reader
    of another process kept the log from being emptied (within the busy timeout)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text("VACUUM"))
        busy, _, _ = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    return not busy
