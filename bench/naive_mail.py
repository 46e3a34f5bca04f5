"""The message as a simple script builds it with the stdlib: ``EmailMessage`` with ``email.policy.SMTP``.

This was zyklus's own builder until notifications/mail.py wrote the MIME structure directly. It is
kept, unchanged but for the checks, for two uses: the delivery benchmark's naive baseline builds
every mail with it (a script sending with ``smtplib`` would build its message this way), and
tests/unit/test_mail_build.py parses its output and the writer's and asserts they say the same.
"""

from __future__ import annotations

import email.policy
import email.utils
from email.header import Header
from email.message import EmailMessage

from notifications.mail import ICS_FILENAME, OutgoingMail


def build_email_message(mail: OutgoingMail) -> EmailMessage:
    """Text (+ html alternative) (+ ``frist.ics`` attachment), as zyklus built it before."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.recipients)
    if mail.subject.isascii():
        message["Subject"] = mail.subject
    else:  # CPython < 3.13 may drop the space between two encoded words when it folds (see mail.py)
        message.set_raw("Subject", Header(mail.subject, "utf-8", header_name="Subject").encode(linesep="\n"))
    message["Message-ID"] = mail.message_id
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    if mail.ics is not None:
        message.add_attachment(mail.ics, maintype="text", subtype="calendar", filename=ICS_FILENAME,
                               params={"method": mail.ics_method, "charset": "utf-8"})
    # Set last: set_content() and add_*() move or drop Content-* headers.
    message["Content-Language"] = mail.language
    return message
