"""The one place where the engine meets its notifications add-on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.service import Service
    from zyklus.context import AppContext


def wire_notifications(service: "Service", ctx: "AppContext") -> None:
    """Subscribe the reminder planner, so every transition plans its reminders in the same
    transaction, and the outbox's erasure handler; importing them registers their tables."""
    from notifications.cancellations import Cancellations
    from notifications.privacy import scrub_outbox
    from notifications.timers import TimerPlanner  # not notifications.setup: that loads mail, SMTP, ICS

    def composer():  # noqa: ANN202 - only when a calendar entry is cancelled
        from notifications.setup import composer_for

        return composer_for(service, ctx.settings)

    service.bus.subscribe(TimerPlanner(service, send_hour=ctx.settings.get("scheduler", "send_hour"),
                                       cancellations=Cancellations(service, composer)))
    service.bus.subscribe(scrub_outbox)
