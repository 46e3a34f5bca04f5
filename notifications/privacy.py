"""The notifications' part of GDPR access and erasure: mails are personal data too, in the outbox
and in the maildir (the "mail server" of the default install)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from engine.events import DomainEvent, PersonForgotten
from engine.privacy import Redaction
from notifications.tables import Outbox

if TYPE_CHECKING:
    from email.message import EmailMessage

MAILDIR_FOLDERS = ("new", "cur", "tmp")
_SCRATCH = ".erasing-"
_SET_BY_SET_CONTENT = ("content-type", "content-transfer-encoding", "content-disposition")


def scrub_outbox(event: DomainEvent, session: Session) -> None:
    """On erasure: unsent mails to the person are cancelled, and their own mails keep no text
    (salutations name them). Keys and Message-IDs stay, so the operator can still see that a
    mail existed; the engine's pass over every table then puts the pseudonym where their address
    or name is left, in these rows and in everybody else's mails."""
    if not isinstance(event, PersonForgotten):
        return
    theirs = func.lower(Outbox.recipient) == event.email
    session.execute(update(Outbox).where(theirs, col(Outbox.status).in_(("pending", "held", "sending")))
                    .values(status="cancelled"))
    session.execute(update(Outbox).where(theirs)
                    .values(recipient_name="", subject="", text="", html=None, ics=None, last_error=None, reply=None))


@dataclass(frozen=True)
class MaildirEraser:
    """On erasure: mails to the person are deleted from the maildir, and in every other mail their
    address and name are replaced by the pseudonym (headers and bodies, whatever the transfer
    encoding). Runs inside the erasure's transaction: if a file cannot be rewritten, nothing in
    the database is erased either, and `forget` can simply run again."""

    path: Path

    def __call__(self, event: DomainEvent, session: Session) -> None:
        if isinstance(event, PersonForgotten):
            erase_from_maildir(self.path, event.email, Redaction.of(event))


def erase_from_maildir(path: Path, address: str, redaction: Redaction) -> None:
    for folder in (path / name for name in MAILDIR_FOLDERS):
        if not folder.is_dir():
            continue  # no maildir yet: nothing to erase, and nothing is created
        for entry in list(os.scandir(folder)):
            if entry.is_file(follow_symlinks=False) and not entry.name.startswith(_SCRATCH):
                _erase_from_file(Path(entry.path), address, redaction)


def _erase_from_file(file: Path, address: str, redaction: Redaction) -> None:
    # Imported here: this module is wired into every command, the email package's policies
    # are needed only when a person is erased from a maildir.
    import email
    import email.policy
    from email.message import EmailMessage

    message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    if _addressed_to(message, address):
        file.unlink()
    elif redact_message(message, redaction):
        _rewrite(file, message.as_bytes())


def _addressed_to(message: EmailMessage, address: str) -> bool:
    from email.utils import getaddresses

    recipients = getaddresses([str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])])
    return any(addr.lower() == address for _, addr in recipients)


def redact_message(message: EmailMessage, redaction: Redaction) -> bool:
    """Replace in every header and every leaf part (decoded, so quoted-printable and base64 are
    seen through); True if anything changed."""
    changed = False
    for part in message.walk():
        for name, value in list(part.items()):
            if (new := redaction.text(str(value))) != str(value):
                part.replace_header(name, new)
                changed = True
        if not part.is_multipart():
            changed |= _redact_content(part, redaction)
    return changed


def _redact_content(part: EmailMessage, redaction: Redaction) -> bool:
    content = part.get_content()
    if isinstance(content, str) and part.get_content_subtype() == "calendar":
        new: Any = redaction.calendar(content.encode("utf-8")).decode("utf-8")
    else:
        new = redaction.value(content)
    if new == content:
        return False
    kept = [(k, v) for k, v in part.items() if k.lower().startswith("content-") and k.lower() not in _SET_BY_SET_CONTENT]
    options: dict[str, Any] = {"disposition": part.get_content_disposition(), "filename": part.get_filename(),
                               "params": {k: v for k, v in part.get_params()[1:] if k != "charset"}}
    if isinstance(new, str):
        part.set_content(new, subtype=part.get_content_subtype(), **options)
    else:
        part.set_content(new, maintype=part.get_content_maintype(), subtype=part.get_content_subtype(), **options)
    for name, value in kept:  # set_content drops every Content-* header, Content-Language too
        if name not in part:
            part[name] = value
    return True


def _rewrite(file: Path, data: bytes) -> None:
    """Atomically, as maildir writers do (tmp/, then rename), keeping the delivery time."""
    stat = file.stat()
    tmp = file.parent.parent / "tmp"
    scratch = (tmp if tmp.is_dir() else file.parent) / f"{_SCRATCH}{file.name}"
    scratch.write_bytes(data)
    os.utime(scratch, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(scratch, file)


def outbox_of(session: Session, email_address: str) -> list[dict[str, Any]]:
    rows = session.exec(select(Outbox).where(func.lower(Outbox.recipient) == email_address)
                        .order_by(col(Outbox.id)))
    return [{"id": r.id, "status": r.status, "kind": r.kind, "subject": r.subject,
             "created_at": r.created_at.isoformat(), "sent_at": r.sent_at.isoformat() if r.sent_at else None}
            for r in rows]
