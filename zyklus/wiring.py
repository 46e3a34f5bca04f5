"""The one place where the CLI's engine meets its notifications add-on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.service import Service
    from zyklus.context import AppContext


def wire_notifications(service: "Service", ctx: "AppContext") -> None:
    """Everything notifications.wiring subscribes, from the configuration: the maildir is erased
    from even when SMTP is configured now, since it keeps the mails written before."""
    from notifications import wiring  # not notifications.setup: that loads mail, SMTP, ICS

    settings = ctx.settings
    wiring.wire_notifications(service, send_hour=settings.get("scheduler", "send_hour"),
                              maildir=settings.resolve(settings.get("mail", "maildir")))
