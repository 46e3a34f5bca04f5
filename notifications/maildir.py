"""Embedded default delivery when no SMTP host is configured.

Writing to a local Maildir keeps reminders inspectable (any mail client can open
it) without running a mail server, and uses the same MIME builder as SMTP.
"""

from __future__ import annotations

import mailbox
from collections.abc import Sequence
from pathlib import Path

from notifications.mail import OutgoingMail, build_message
from notifications.smtp import DeliveryOutcome


def deliver_to_maildir(mails: Sequence[OutgoingMail], path: Path) -> list[DeliveryOutcome]:
    """Add every mail to the Maildir at ``path`` (created on demand).

    A mail that cannot be built (e.g. header injection) is "failed", like over SMTP;
    filesystem errors propagate because they are an installation problem, not a
    property of the mail.
    """
    box = mailbox.Maildir(path, create=True)
    outcomes = []
    for mail in mails:
        try:
            message = build_message(mail)
        except ValueError as exc:
            outcomes.append(DeliveryOutcome(mail.key, "failed", f"invalid message: {exc}"))
            continue
        box.add(message)
        outcomes.append(DeliveryOutcome(mail.key, "sent", f"maildir {path}/{mail.key}"))
    return outcomes
