"""One sync of a source: read the lists changed since the last sync, store what changed, then
look for candidates for the running cycle. Runs inside the caller's transaction; a failed fetch
raises before anything is written, so a half-read server leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from oparl.client import OParlClient, type_of
from oparl.tables import OParlObject, OParlSource

LISTS = ("organization", "meeting", "agendaItem", "consultation", "paper")
"""The Body's lists zyklus reads, in an order where what a paper refers to comes first."""
KINDS = frozenset({"Organization", "Meeting", "AgendaItem", "Consultation", "Paper"})
MARGIN = dt.timedelta(minutes=10)
"""``modified_since`` lies this much before the last sync began: a server whose clock runs late
or that commits slowly loses nothing; what comes twice is recognised as unchanged."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def lists_of(body: dict[str, Any]) -> dict[str, str]:
    return {key: body[key] for key in LISTS if isinstance(body.get(key), str)}


def flatten(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The object with its embedded OParl objects (a Paper's consultations, a Meeting's agenda
    items) replaced by their ids, then each embedded object the same way."""
    own: dict[str, Any] = {}
    embedded: list[dict[str, Any]] = []
    for key, value in obj.items():
        if isinstance(value, dict) and type_of(value) in KINDS and isinstance(value.get("id"), str):
            embedded.append(value)
            own[key] = value["id"]
        elif isinstance(value, list) and any(isinstance(v, dict) and type_of(v) in KINDS for v in value):
            own[key] = [v.get("id") if isinstance(v, dict) else v for v in value]
            embedded.extend(v for v in value if isinstance(v, dict) and isinstance(v.get("id"), str))
        else:
            own[key] = value
    yield own
    for inner in embedded:
        yield from flatten(inner)


def fetch(session: Session, source: OParlSource, client: OParlClient, now: dt.datetime) -> Counts:
    """Read and store. Everything is fetched before the first write: an error on the last page
    stores nothing of the first."""
    since = source.last_sync_at - MARGIN if source.last_sync_at else None
    fetched: list[dict[str, Any]] = []
    for url in source.lists.values():
        for obj in client.objects(url, modified_since=since):
            fetched.extend(o for o in flatten(obj) if isinstance(o.get("id"), str) and type_of(o) in KINDS)
    counts = Counts()
    existing = {row.oparl_id: row for row in session.exec(select(OParlObject).where(OParlObject.source_id == source.id))}
    for obj in fetched:
        _store(session, source, obj, existing, counts, now)
    source.last_sync_at = now
    source.last_error = None
    session.add(source)
    return counts


def _store(session: Session, source: OParlSource, obj: dict[str, Any], existing: dict[str, OParlObject],
           counts: Counts, now: dt.datetime) -> None:
    from oparl import quirks

    deleted = obj.get("deleted") is True
    row = existing.get(obj["id"])
    if row is not None and row.deleted == deleted and (deleted or row.data == obj):
        counts.unchanged += 1
        return
    if row is None:
        row = OParlObject(source_id=source.id, oparl_id=obj["id"], kind=type_of(obj), data=obj, fetched_at=now)
        existing[obj["id"]] = row
        if deleted:
            counts.deleted += 1
        else:
            counts.created += 1
    elif deleted:
        counts.deleted += 1
    else:
        counts.updated += 1
    row.deleted = deleted
    if not deleted:
        row.data = obj
    row.modified = quirks.moment(obj.get("modified"))
    row.fetched_at = now
    session.add(row)
