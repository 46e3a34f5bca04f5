"""Turn an outbox entry into a standards-compliant MIME message.

Kept free of any transport so the same message can go to SMTP or a Maildir,
and so a resend after a crash produces an identical Message-ID.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage

ICS_FILENAME = "frist.ics"
_FORBIDDEN_IN_HEADERS = ("\r", "\n", "\0")


class HeaderInjectionError(ValueError):
    """A header value contains CR, LF or NUL.

    Raised instead of stripping: a line break in a subject or address is either
    a bug upstream or an attempt to smuggle extra headers, and both must surface.
    """


@dataclass(frozen=True)
class OutgoingMail:
    """Everything needed to (re)build one message; ``key`` identifies it in the outbox."""

    key: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    ics: bytes | None = None
    ics_method: str = "PUBLISH"
    language: str = "de"


def message_id_for(key: str, domain: str) -> str:
    """Derive the Message-ID from the outbox key.

    Deterministic so that a message resent after a crash (delivered, but not yet
    marked as sent) carries the same Message-ID and mail clients can deduplicate it.
    """
    _reject_line_breaks("domain", domain)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_message(mail: OutgoingMail) -> EmailMessage:
    """Build the MIME message: text (+ html alternative) (+ ``frist.ics`` attachment).

    Raises HeaderInjectionError for CR/LF/NUL in any header value and ValueError
    for a mail without recipients.
    """
    if not mail.recipients:
        raise ValueError(f"mail {mail.key!r} has no recipients")
    for name, value in (
        ("subject", mail.subject),
        ("sender", mail.sender),
        ("message_id", mail.message_id),
        ("language", mail.language),
        ("ics_method", mail.ics_method),
        *(("recipient", recipient) for recipient in mail.recipients),
    ):
        _reject_line_breaks(name, value)

    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.recipients)
    _set_subject(message, mail.subject)
    message["Message-ID"] = mail.message_id
    message["Date"] = email.utils.formatdate(localtime=False)
    # RFC 3834: tells vacation responders not to answer automated reminders.
    message["Auto-Submitted"] = "auto-generated"

    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    if mail.ics is not None:
        message.add_attachment(
            mail.ics,
            maintype="text",
            subtype="calendar",
            filename=ICS_FILENAME,
            params={"method": mail.ics_method, "charset": "utf-8"},
        )
    # Set last: set_content() and add_*() move or drop Content-* headers.
    message["Content-Language"] = mail.language
    return message


def _set_subject(message: EmailMessage, subject: str) -> None:
    """Store a non-ASCII subject as ready-made encoded words.

    CPython before 3.13 may fold a long non-ASCII subject at the space between
    two encoded words; since such whitespace is ignored when decoding, the
    recipient sees two words glued together (about 1 in 25 realistic German
    subjects). The legacy Header encoder keeps spaces inside the encoded words,
    and set_raw stops the policy from refolding its already short lines.
    """
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode(linesep="\n"))


def _reject_line_breaks(name: str, value: str) -> None:
    if any(char in value for char in _FORBIDDEN_IN_HEADERS):
        raise HeaderInjectionError(f"{name} must not contain CR, LF or NUL: {value!r}")
