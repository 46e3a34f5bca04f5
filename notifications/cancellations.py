"""Calendar entries that no longer apply are cancelled in the calendars that received them.

Every deadline, review and event mail carries an iCalendar REQUEST (notifications/compose.py).
When the phase is left before its due date (advanced early, the cycle completed, or migrated into
another phase), its deadline and the upcoming reviews of that phase would stay in the
coordinators' calendars for good; so would a review or programme event that a migration's new
version no longer has. So, in the same transaction as the engine event, each person who got such an
entry gets a mail with METHOD:CANCEL for the same UID, STATUS:CANCELLED and a SEQUENCE above every
one the entry had.

A cancellation is recorded as a claimed timer of kind ``cancel`` (phase, rule, occurrence of the
entry, SEQUENCE as its generation): the outbox key is then derived like every reminder's, a
second cancellation of the same entry finds the first, and the next plan of that phase counts
past it. Only people who were sent the entry are told, and only about entries whose date is
still ahead: a past deadline stays in the calendar as the record it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from engine.clock import to_db
from engine.db.programme_shape import programme_shapes_of
from engine.db.tables import Cycle, Fact, Municipality
from engine.roles import ROLES
from notifications.tables import Outbox, Timer

if TYPE_CHECKING:
    from engine.definitions.model import Definition
    from engine.service import Service
    from notifications.compose import Composer
    from notifications.outbox import NewMail

RECEIVED = ("pending", "sending", "sent")
"""Outbox states of a mail whose calendar entry reached (or is about to reach) its recipient."""


class Cancellations:
    def __init__(self, service: "Service", make_composer: Callable[[], "Composer"]) -> None:
        self.service = service
        self._make_composer = make_composer
        self._composer: Composer | None = None

    @property
    def composer(self) -> "Composer":
        """Built on the first cancellation: most commands never need jinja2 and iCalendar."""
        if self._composer is None:
            self._composer = self._make_composer()
        return self._composer

    def cancel(self, session: Session, cycle_id: int, *, applies: Callable[[Timer], bool], reason: str,
               next_sequence: Callable[[Session, int, str], int], made_by: "Definition | None" = None) -> int:
        """Cancel the cycle's entries whose latest reminder no longer ``applies``; returns the
        mails planned. ``reason`` (advanced | completed | migrated) is what the mail says happened;
        ``made_by`` is the version whose labels the entries carry, if not the cycle's own."""
        received: dict[str, set[str]] = defaultdict(set)
        for uid, email in session.exec(select(Outbox.calendar_uid, Outbox.recipient).where(
                Outbox.cycle_id == cycle_id, col(Outbox.calendar_uid).is_not(None),
                col(Outbox.status).in_(RECEIVED))):
            received[uid].add(email)  # type: ignore[index]
        if not received:
            return 0  # the common case costs one indexed query
        from notifications.compose import calendar_uid, people_of
        from notifications.outbox import insert_ignoring_duplicates

        self.composer.renderer.reload()  # an administrator's edit counts without a restart, as in a sweep

        cycle = session.get(Cycle, cycle_id)
        municipality = session.get(Municipality, cycle.municipality_id)
        domain = self.composer.settings.domain
        latest: dict[str, Timer] = {}
        for timer in session.exec(select(Timer).where(Timer.cycle_id == cycle_id, Timer.outcome == "queued",
                                                      col(Timer.due_on).is_not(None))):
            uid = calendar_uid(timer, municipality, cycle, domain)
            if uid in received and (uid not in latest or (timer.sequence, timer.id) > (latest[uid].sequence,
                                                                                       latest[uid].id)):
                latest[uid] = timer
        today, now = self.service.today(), self.service.clock.now()
        due = {uid: timer for uid, timer in latest.items()
               if timer.kind != "cancel" and timer.due_on > today and not applies(timer)}
        if not due:
            return 0
        people = people_of(session, municipality.id)
        facts = list(session.exec(select(Fact).where(Fact.cycle_id == cycle_id).order_by(col(Fact.id))))
        programme = programme_shapes_of(session.connection(), [cycle_id]).get(cycle_id)
        sequences: dict[str, int] = {}
        rows: list[NewMail] = []
        for uid, entry in due.items():
            if entry.phase not in sequences:
                sequences[entry.phase] = next_sequence(session, cycle_id, entry.phase)
            cancel = Timer(cycle_id=cycle_id, phase=entry.phase, kind="cancel",
                           rule="cancel" if entry.label is None else f"cancel:{entry.label}",
                           occurrence=entry.occurrence, sequence=sequences[entry.phase], fire_on=today,
                           fire_at=to_db(now), due_on=entry.due_on, label=entry.label, roles=list(ROLES),
                           claimed_at=to_db(now), outcome="queued")
            session.add(cancel)
            told = [person for person in people if person.email in received[uid]]
            for row in self.composer.compose(session, cancel, cycle, municipality, told, facts, now,
                                             extra=lambda lang: {"reason": reason}, definition=made_by,
                                             programme=programme):
                row["status"] = "pending"  # a digest carries no calendar: the cancellation goes out alone
                rows.append(row)
        session.flush()
        return insert_ignoring_duplicates(session, rows)
