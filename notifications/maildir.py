"""Embedded default delivery when no SMTP host is configured.

Writing to a local Maildir keeps reminders inspectable (any mail client can open
it) without running a mail server, and uses the same MIME builder as SMTP.
"""

from __future__ import annotations

import mailbox
from collections.abc import Sequence
from pathlib import Path

from notifications.mail import OutgoingMail, build_message
from notifications.smtp import DeliveryOutcome, OutcomeSink


def deliver_to_maildir(mails: Sequence[OutgoingMail], path: Path,
                       on_outcome: OutcomeSink | None = None) -> list[DeliveryOutcome]:
    """Add every mail to the Maildir at ``path`` (created on demand).

    A mail that cannot be built (e.g. header injection) is "failed", like over SMTP;
    filesystem errors propagate because they are an installation problem, not a
    property of the mail. ``on_outcome`` hears of each mail before the next one is
    written, as over SMTP, so a crash leaves at most one stored but unrecorded copy.
    """
    box = mailbox.Maildir(path, create=True)
    outcomes = []
    for mail in mails:
        outcome = _store(box, mail, path)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


def _store(box: mailbox.Maildir, mail: OutgoingMail, path: Path) -> DeliveryOutcome:
    try:
        message = build_message(mail)
    except ValueError as exc:
        return DeliveryOutcome(mail.key, "failed", f"invalid message: {exc}")
    box.add(message)
    return DeliveryOutcome(mail.key, "sent", f"maildir {path}/{mail.key}")
