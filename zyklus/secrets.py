"""Secrets never reach a screen or a log: the database password, the SMTP password and the web
app's signing key (ZYKLUS_SECRET_KEY) are masked.

Printed URLs are rendered with SQLAlchemy's ``hide_password``; as a last line of defence every
error line and every log record passes :func:`scrub`, which replaces each known secret (in the
form typed and percent-decoded) with ``***`` — driver messages quote a DSN in ways no one
can foresee.
"""

from __future__ import annotations

import logging
import os
import traceback
from urllib.parse import quote, unquote

MASK = "***"
_known: set[str] = set()


def remember_url(url: str | None) -> None:
    """Take note of the password in a database URL (both as typed and decoded)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not url:
        return
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        password = _password_by_hand(url)
    if password:
        _known.update({str(password), quote(str(password), safe=""), unquote(str(password))})


def _password_by_hand(url: str) -> str | None:
    """A URL SQLAlchemy cannot parse may still carry `user:password@`."""
    _, _, rest = url.partition("://")
    credentials, at, _ = rest.rpartition("@")
    return credentials.partition(":")[2] or None if at else None


def known() -> list[str]:
    """Every secret to mask, the longest first (so a password containing another is masked whole)."""
    from_env = (os.environ.get(name) for name in ("ZYKLUS_SMTP_PASSWORD", "ZYKLUS_SECRET_KEY"))
    return sorted({s for s in (*_known, *from_env) if s}, key=len, reverse=True)


def scrub(text: str) -> str:
    for secret in known():
        text = text.replace(secret, MASK)
    return text


def masked_url(url: str) -> str:
    """A database URL fit to print: the password replaced by ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return scrub(url)


def _scrubbed_argument(value: object) -> object:
    """A log argument without secrets, still fit for its place in the format: numbers stay numbers
    (``%d``), anything else becomes its scrubbed text (``%s``)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub(value if isinstance(value, str) else str(value))


def install_log_scrubber() -> None:
    """Scrub every log record, its message, its arguments and its traceback, whichever handler
    prints it. The arguments stay arguments: a formatter may read them one by one (uvicorn's
    access log unpacks client, method, path, version and status), so they are not folded into the
    message."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "zyklus_scrubber", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.msg = scrub(record.msg if isinstance(record.msg, str) else str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: _scrubbed_argument(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_scrubbed_argument(value) for value in record.args)
        if record.exc_info:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    factory.zyklus_scrubber = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
