"""What the notifications add-on hangs on the engine's event bus, in one place for every entry
point (the CLI, the demo, the benchmark, the tests), so none of them forgets a part of it.

Kept light: importing this loads nothing of the add-on. Each subscriber is imported and built
when the first event reaches it (engine.events.Deferred), so a command that only reads
(`zyklus status`) loads neither the planner nor the outbox, mail, SMTP or ICS."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from engine.events import Deferred, DomainEvent, PersonForgotten
from engine.service import Service

if TYPE_CHECKING:
    from notifications.compose import Composer
    from notifications.setup import SettingsLike


def wire_notifications(service: Service, *, send_hour: int, maildir: Path | None,
                       composer: "Callable[[], Composer] | None" = None) -> None:
    """The reminder planner, so every transition plans its reminders in the same transaction (and,
    given a ``composer``, cancels the calendar entries that no longer apply, and invites the
    members of a working structure to its meetings), and the erasure
    handlers of the outbox and (where mails are written to one) the maildir, in this order.
    Building them imports their tables (a new database gets them from zyklus.schema)."""
    def planner():  # (subscriber, event types), as Deferred wants them
        from notifications.cancellations import Cancellations
        from notifications.timers import TimerPlanner

        cancellations = Cancellations(service, composer) if composer is not None else None
        return TimerPlanner(service, send_hour=send_hour, cancellations=cancellations), TimerPlanner.EVENTS

    def invitations():
        from notifications.meetings import MeetingInvitations

        return MeetingInvitations(service, composer), MeetingInvitations.EVENTS

    def run_planner():
        from notifications.run_timers import RunPlanner

        return RunPlanner(service, send_hour, composer), RunPlanner.EVENTS

    def outbox_scrubber():
        from notifications.privacy import scrub_outbox

        return scrub_outbox, (PersonForgotten,)

    def maildir_eraser():
        from notifications.privacy import MaildirEraser

        return MaildirEraser(maildir), (PersonForgotten,)

    service.bus.subscribe(Deferred(planner), DomainEvent)
    if composer is not None:  # tools that plan but never mail invite nobody either
        service.bus.subscribe(Deferred(invitations), DomainEvent)
    service.bus.subscribe(Deferred(run_planner), DomainEvent)
    service.bus.subscribe(Deferred(outbox_scrubber), DomainEvent)
    if maildir is not None:
        service.bus.subscribe(Deferred(maildir_eraser), DomainEvent)


def wire_configured(service: Service, settings: "SettingsLike") -> None:
    """As configured: the maildir is erased from even when SMTP is configured now, since it keeps
    the mails written before."""
    def composer() -> "Composer":  # only when a calendar entry is cancelled: jinja2 and ICS load then
        from notifications.setup import composer_for

        return composer_for(service, settings)

    wire_notifications(service, send_hour=settings.get("scheduler", "send_hour"),
                       maildir=settings.resolve(settings.get("mail", "maildir")), composer=composer)
