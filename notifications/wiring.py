"""What the notifications add-on hangs on the engine's event bus, in one place for every entry
point (the CLI, the demo, the benchmark, the tests), so none of them forgets a part of it.

Kept light: importing this loads the planner and the erasure handlers, not mail, SMTP or ICS."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from engine.events import PersonForgotten
from engine.service import Service
from notifications.cancellations import Cancellations
from notifications.meetings import MeetingInvitations
from notifications.privacy import MaildirEraser, scrub_outbox
from notifications.run_timers import RunPlanner
from notifications.timers import TimerPlanner

if TYPE_CHECKING:
    from notifications.compose import Composer
    from notifications.setup import SettingsLike


def wire_notifications(service: Service, *, send_hour: int, maildir: Path | None,
                       composer: "Callable[[], Composer] | None" = None) -> TimerPlanner:
    """The reminder planner, so every transition plans its reminders in the same transaction (and,
    given a ``composer``, cancels the calendar entries that no longer apply, and invites the
    members of a working structure to its meetings), and the erasure
    handlers of the outbox and (where mails are written to one) the maildir, in this order.
    Importing them registers their tables."""
    cancellations = Cancellations(service, composer) if composer is not None else None
    planner = TimerPlanner(service, send_hour=send_hour, cancellations=cancellations)
    service.bus.subscribe(planner, *TimerPlanner.EVENTS)
    if composer is not None:  # tools that plan but never mail invite nobody either
        service.bus.subscribe(MeetingInvitations(service, composer), *MeetingInvitations.EVENTS)
    service.bus.subscribe(RunPlanner(service, send_hour, composer), *RunPlanner.EVENTS)
    service.bus.subscribe(scrub_outbox, PersonForgotten)
    if maildir is not None:
        service.bus.subscribe(MaildirEraser(maildir), PersonForgotten)
    return planner


def wire_configured(service: Service, settings: "SettingsLike") -> TimerPlanner:
    """As configured: the maildir is erased from even when SMTP is configured now, since it keeps
    the mails written before."""
    def composer() -> "Composer":  # only when a calendar entry is cancelled: jinja2 and ICS load then
        from notifications.setup import composer_for

        return composer_for(service, settings)

    return wire_notifications(service, send_hour=settings.get("scheduler", "send_hour"),
                              maildir=settings.resolve(settings.get("mail", "maildir")), composer=composer)
