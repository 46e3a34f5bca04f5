"""Turn an outbox entry into a standards-compliant MIME message, as the bytes that go on the wire.

Kept free of any transport so the same message can go to SMTP or a Maildir,
and so a resend after a crash produces an identical Message-ID.

The message is written directly rather than through ``email.message.EmailMessage``: its header
registry parses every header it is given and its generator refolds them again, 2–3 ms per
reminder, more than the whole SMTP dialog. What a reminder holds is always the same small shape,
so writing it costs a tenth of that: RFC 2047 encoded words for non-ASCII headers, 7bit,
quoted-printable or base64 bodies (whichever the stdlib's heuristic would pick, except that text
never goes out as 8bit, so no server needs 8BITMIME), CRLF line ends. tests/unit/test_mail_build.py
parses it with ``email`` against the EmailMessage builder the delivery benchmark's baseline uses.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import hashlib
import string
from dataclasses import dataclass
from functools import lru_cache

ICS_FILENAME = "frist.ics"
_FORBIDDEN_IN_HEADERS = ("\r", "\n", "\0")
_MAX_LINE = 78
"""RFC 5322's recommended line length; what ``email.policy.SMTP`` folds at."""
_CRLF = b"\r\n"


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


def build_message(mail: OutgoingMail) -> bytes:
    """The message as sent: text (+ html alternative) (+ ``frist.ics`` attachment), CRLF line ends.

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

    part = _text_part("plain", mail.text)
    if mail.html is not None:
        part = _multipart("alternative", [part, _text_part("html", mail.html)], mail.message_id)
    if mail.ics is not None:
        attachment = Part([f'Content-Disposition: attachment; filename="{ICS_FILENAME}"',
                           f'Content-Type: text/calendar; method={_quoted(mail.ics_method)}; charset="utf-8"',
                           "Content-Transfer-Encoding: base64"], _crlf(base64.encodebytes(mail.ics)))
        part = _multipart("mixed", [part, attachment], mail.message_id)
    return Part([
        _address_header("From", (mail.sender,)),
        _address_header("To", mail.recipients),
        _subject_header(mail.subject),
        f"Message-ID: {mail.message_id}",
        f"Date: {email.utils.formatdate(localtime=False)}",
        # RFC 3834: tells vacation responders not to answer automated reminders.
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
        *part.headers,
        f"Content-Language: {mail.language}",
    ], part.body).wire()


@dataclass(frozen=True)
class Part:
    """A MIME entity being written: its header lines and its encoded body with CRLF line ends."""

    headers: list[str]
    body: bytes

    def wire(self) -> bytes:
        return ("\r\n".join(self.headers) + "\r\n\r\n").encode("ascii") + self.body


def _crlf(encoded: bytes) -> bytes:
    """LF to CRLF in an encoded body: it holds no CR of its own (text was split into lines before
    encoding, the rest is base64)."""
    return encoded.replace(b"\n", _CRLF)


def _text_part(subtype: str, text: str) -> Part:
    """A text part as ``EmailMessage.set_content`` would encode it: its line breaks normalised
    to one newline each, a final newline added; 7bit when ASCII with short lines, else the shorter
    of quoted-printable and base64 (never 8bit)."""
    lines = text.encode("utf-8").splitlines()
    body = b"\n".join(lines) + b"\n"
    if body.isascii() and max(map(len, lines), default=0) <= _MAX_LINE:
        cte, encoded = "7bit", body
    else:
        cte, encoded = "quoted-printable", binascii.b2a_qp(body, istext=True)
        if len(encoded) > len(body) * 4 // 3 and len(b64 := base64.encodebytes(body)) < len(encoded):
            cte, encoded = "base64", b64
    return Part([f'Content-Type: text/{subtype}; charset="utf-8"', f"Content-Transfer-Encoding: {cte}"],
                _crlf(encoded))


def _multipart(subtype: str, parts: list[Part], message_id: str) -> Part:
    """A boundary derived from the Message-ID (a resend is the same bytes but for the Date), made
    longer in the unlikely case that a 7bit body happens to contain it."""
    wires = [part.wire() for part in parts]
    boundary = f"=_{subtype}_{hashlib.sha256(message_id.encode()).hexdigest()[:24]}"
    while any(boundary.encode("ascii") in wire for wire in wires):
        boundary += "_"
    delimiter = f"--{boundary}\r\n".encode("ascii")
    return Part([f'Content-Type: multipart/{subtype};\r\n boundary="{boundary}"'],
                b"".join(delimiter + wire + _CRLF for wire in wires) + f"--{boundary}--\r\n".encode("ascii"))


def _subject_header(subject: str) -> str:
    """ASCII folded at its spaces; otherwise (or when a word is too long to fold) encoded words."""
    if subject.isascii() and (folded := _folded(f"Subject: {subject}")) is not None:
        return folded
    return "Subject: " + _encoded_words(subject, len("Subject: "))


def _encoded_words(text: str, used: int) -> str:
    """RFC 2047 Q-encoded UTF-8 words, each as long as fits its line (whole characters only),
    folded between the words. Spaces stay inside the words (as ``_``): the whitespace between two
    encoded words is dropped when decoding, and CPython before 3.13 folded a long subject at such a
    space, so the recipient saw two words glued together (about 1 in 25 German subjects)."""
    words, current, room = [], "", min(_MAX_LINE - used, _MAX_WORD) - len(_Q_WORD)
    for char in text:
        encoded = _Q_CHARS.get(char) or "".join(f"={byte:02X}" for byte in char.encode("utf-8"))
        if current and len(current) + len(encoded) > room:
            words.append(current)
            current, room = "", _MAX_WORD - len(_Q_WORD)
        current += encoded
    words.append(current)
    return "\r\n ".join(_Q_WORD.replace("?=", f"{word}?=") for word in words)


_MAX_WORD = 75
"""RFC 2047's limit for one encoded word."""
_Q_WORD = "=?utf-8?q??="
_Q_CHARS = {**{char: char for char in string.ascii_letters + string.digits + "!*+-/"}, " ": "_"}
"""What RFC 2047 (5, rule 3) lets stand for itself in a Q-encoded word of a header like Subject."""


@lru_cache(maxsize=64)
def _address_header(name: str, values: tuple[str, ...]) -> str:
    """From or To as given when ASCII (as EmailMessage keeps it); a non-ASCII display name as
    encoded words. Cached: every mail of a run has the same sender."""
    if not all(value.isascii() for value in values):
        values = tuple(email.utils.formataddr((display, address), charset="utf-8")
                       for display, address in email.utils.getaddresses(values))
    line = f"{name}: {', '.join(values)}"
    return _folded(line) or line


def _folded(line: str) -> str | None:
    """Fold at spaces so that no line exceeds 78 characters; None if a word is too long for that."""
    if len(line) <= _MAX_LINE:
        return line
    if "  " in line or line.endswith(" "):
        return None  # a fold there would lose a space; encoded words keep it
    lines, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > _MAX_LINE:
            lines.append(current)
            current = ""
        current = f"{current} {word}" if current else word
        if len(current) > _MAX_LINE:
            return None
    return "\r\n ".join([*lines, current])


def _quoted(value: str) -> str:
    return f'"{email.utils.quote(value)}"'


def _reject_line_breaks(name: str, value: str) -> None:
    if any(char in value for char in _FORBIDDEN_IN_HEADERS):
        raise HeaderInjectionError(f"{name} must not contain CR, LF or NUL: {value!r}")
