"""Planning the reminders of programme runs' events (notifications/run_reminders.py mails them).

Before each of a run's events (the network conferences) the coordinators of every municipality
taking part on that day get a reminder with the calendar entry. The reminders are
:class:`~notifications.tables.RunTimer` rows re-planned in the unit of work that changed the event
or the participants, so a municipality that leaves gets no more of them (and its entries are
cancelled), a moved conference's reminders move with it, a removed one's are dropped.

Kept light like notifications.wiring, which imports it: the mail machinery loads on a cancellation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from engine.dates import Duration, subtract
from engine.db.run_tables import RunEvent, RunParticipant
from engine.db.tables import Municipality
from engine.events import DomainEvent, RunChanged, RunEventRemoved
from engine.runs import taking_part
from engine.service import Service
from notifications.tables import RunTimer
from notifications.timers import fire_moment

if TYPE_CHECKING:
    from notifications.compose import Composer

CONFERENCE_BEFORE = ("P28D", "P7D")
"""When the coordinators hear of a conference: four weeks ahead (to plan who goes) and one week."""


def in_run(session: Session, municipality_id: int, on: dt.date) -> bool:
    """Whether a municipality takes part in any run on ``on``: then the run's dates replace the
    conference offsets of its workflow variant."""
    return session.exec(select(RunParticipant.id).where(RunParticipant.municipality_id == municipality_id,
                                                        taking_part(on))).first() is not None


class RunPlanner:
    """Keeps the run events' reminders in step with their dates and participants, and cancels
    (METHOD:CANCEL) the calendar entries a removed event or a municipality that left leaves behind."""

    EVENTS: tuple[type[DomainEvent], ...] = (RunChanged, RunEventRemoved)

    def __init__(self, service: Service, send_hour: int = 7,
                 make_composer: "Callable[[], Composer] | None" = None) -> None:
        self.service = service
        self.send_hour = send_hour
        self._make_composer = make_composer
        """Without it (tools that plan but never mail) calendar entries are not cancelled."""
        self._composer: "Composer | None" = None

    def __call__(self, event: DomainEvent, session: Session) -> None:
        if isinstance(event, RunEventRemoved):
            run_event = session.get(RunEvent, event.event_id)
            self._cancel(session, run_event, keep=frozenset())
            session.execute(delete(RunTimer).where(col(RunTimer.event_id) == event.event_id))
            return
        assert isinstance(event, RunChanged)
        query = select(RunEvent).where(RunEvent.run_id == event.run_id)
        if event.event_id is not None:
            query = query.where(RunEvent.id == event.event_id)
        for run_event in session.exec(query).all():
            self._plan(session, run_event)

    def _plan(self, session: Session, run_event: RunEvent) -> None:
        """Unclaimed reminders of the event are replaced by those of who takes part on its day."""
        session.execute(delete(RunTimer).where(col(RunTimer.event_id) == run_event.id,
                                               col(RunTimer.claimed_at).is_(None)))
        today = self.service.today()
        if run_event.on < today:
            return
        participants = session.exec(select(RunParticipant.municipality_id).where(
            RunParticipant.run_id == run_event.run_id, taking_part(run_event.on))).all()
        self._cancel(session, run_event, keep=frozenset(session.exec(select(Municipality.ags).where(
            col(Municipality.id).in_(participants))).all()))
        done = {(t.municipality_id, t.rule) for t in session.exec(select(RunTimer).where(
            RunTimer.event_id == run_event.id, RunTimer.sequence == run_event.sequence))}
        ahead = [(offset, day) for offset in CONFERENCE_BEFORE
                 if (day := subtract(run_event.on, Duration.parse(offset))) >= today]
        # an event entered at short notice gets one reminder today, not one per offset already past
        ahead = ahead or [(CONFERENCE_BEFORE[-1], today)]
        rows = [{"event_id": run_event.id, "municipality_id": municipality_id, "rule": offset,
                 "sequence": run_event.sequence, "fire_on": fire_on,
                 "fire_at": fire_moment(fire_on, self.send_hour, self.service.tz), "claimed_at": None, "outcome": None}
                for municipality_id in participants for offset, fire_on in ahead
                if (municipality_id, offset) not in done]
        if rows:
            session.execute(insert(RunTimer), rows)

    def _cancel(self, session: Session, run_event: RunEvent, *, keep: frozenset[str]) -> int:
        """Cancel the entries of municipalities not in ``keep`` while the event is still ahead; the
        mail machinery (jinja2, iCalendar) loads only when there is something to cancel."""
        if self._make_composer is None or run_event.on < self.service.today():
            return 0
        from notifications.run_reminders import cancel_entries

        if self._composer is None:
            self._composer = self._make_composer()
        self._composer.renderer.reload()  # an administrator's edit counts without a restart, as in a sweep
        return cancel_entries(session, self._composer, run_event, keep)
