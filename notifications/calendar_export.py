"""`zyklus calendar AGS`: every deadline and programme date of a municipality as one .ics file.

It uses the same UIDs, SEQUENCE numbers and texts as the mails' attachments, so importing the
file after receiving reminders updates entries instead of duplicating them. It lists what still
applies, like the mails: the running cycles' current deadline, the reviews planned in the current
phase and the programme dates; not the reviews of phases already left (their entries were
cancelled by mail).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from engine.db.tables import Cycle
from engine.i18n import Language
from engine.service import Service
from notifications.compose import calendar_item, current_deadline
from notifications.ics import DeadlineItem, deadline_calendar
from notifications.planning import CYCLE_WIDE
from notifications.tables import Timer


def export(service: Service, ags: str, domain: str, lang: Language) -> bytes:
    items: dict[str, DeadlineItem] = {}
    with Session(service.engine) as session:
        municipality = service.municipality_in(session, ags)
        cycles = session.exec(select(Cycle).where(Cycle.municipality_id == municipality.id,
                                                  Cycle.status == "running")).all()
        for cycle in cycles:
            definition = service.definition(session, cycle.definition_id)
            due_on, sequence = current_deadline(session, cycle)
            if due_on is not None:
                timer = Timer(cycle_id=cycle.id, phase=cycle.phase, kind="due", rule="due", sequence=sequence,
                              fire_on=due_on, fire_at=service.clock.now(), due_on=due_on, roles=[])
                item = calendar_item(timer, definition, municipality, cycle, lang, domain)
                items[item.uid] = item
            for timer in session.exec(select(Timer).where(Timer.cycle_id == cycle.id,
                                                          col(Timer.kind).in_(("review", "event")),
                                                          col(Timer.phase).in_((cycle.phase, CYCLE_WIDE)))
                                      .order_by(col(Timer.fire_on))):
                item = calendar_item(timer, definition, municipality, cycle, lang, domain)
                items.setdefault(item.uid, item)
    if not items:
        return b""
    return deadline_calendar(sorted(items.values(), key=lambda i: i.due), stamp=service.clock.now(), method=None)
