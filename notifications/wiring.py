"""What the notifications add-on hangs on the engine's event bus, in one place for every entry
point (the CLI, the demo, the benchmark, the tests), so none of them forgets a part of it.

Kept light: importing this loads the planner and the erasure handlers, not mail, SMTP or ICS."""

from __future__ import annotations

from pathlib import Path

from engine.service import Service
from notifications.privacy import MaildirEraser, scrub_outbox
from notifications.timers import TimerPlanner


def wire_notifications(service: Service, *, send_hour: int, maildir: Path | None) -> TimerPlanner:
    """The reminder planner, so every transition plans its reminders in the same transaction, and
    the erasure handlers of the outbox and (where mails are written to one) the maildir.
    Importing them registers their tables."""
    planner = TimerPlanner(service, send_hour=send_hour)
    service.bus.subscribe(planner)
    service.bus.subscribe(scrub_outbox)
    if maildir is not None:
        service.bus.subscribe(MaildirEraser(maildir))
    return planner
