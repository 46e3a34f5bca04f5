"""The one place where the CLI's engine meets its notifications add-on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.service import Service
    from zyklus.context import AppContext


def wire_notifications(service: "Service", ctx: "AppContext") -> None:
    """Everything notifications.wiring subscribes (the planner, the erasure of outbox and maildir)."""
    from notifications.wiring import wire_configured  # not notifications.setup: that loads mail, SMTP, ICS

    wire_configured(service, ctx.settings)
