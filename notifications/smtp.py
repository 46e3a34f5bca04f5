"""Deliver a batch of mails over SMTP and classify every result.

The outbox decides what to do next from the outcome alone, so this module never
raises for SMTP or network trouble: every mail gets exactly one outcome, in
input order, and a mail whose fate is unknown is reported as "retry" (its
stable Message-ID lets recipients' clients deduplicate a possible double).

Each outcome is also handed to the caller's ``on_outcome`` the moment the
server has answered, and a connection sends its next mail only after that call
returned: the outbox records every mail at once, so a worker killed mid-batch
leaves at most one accepted-but-unrecorded mail per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import aiosmtplib

from notifications.mail import OutgoingMail, build_message

log = logging.getLogger(__name__)

Status = Literal["sent", "retry", "failed"]
# OSError covers refused connections, TLS failures and (since 3.11) timeouts;
# ValueError covers addresses aiosmtplib will not put on the wire.
_DELIVERY_ERRORS = (aiosmtplib.SMTPException, OSError, ValueError)


@dataclass(frozen=True)
class SmtpSettings:
    """Connection settings; ``password`` is read by the caller from ZYKLUS_SMTP_PASSWORD.

    The password is excluded from ``repr`` so settings can be logged safely.
    ``timeout`` bounds each socket operation, ``send_timeout`` the whole batch.
    """

    host: str
    port: int = 587
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    send_timeout: float = 120.0
    concurrency: int = 2
    tls_context: ssl.SSLContext | None = None
    validate_certs: bool = True

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")

    @property
    def credentials_in_clear(self) -> bool:
        """AUTH would send the username and password over an unencrypted connection."""
        return bool(self.username) and self.security == "none"


@dataclass(frozen=True)
class DeliveryOutcome:
    """Result for one mail; ``reply`` is the server's answer or the error, on one line."""

    key: str
    status: Status
    reply: str


OutcomeSink = Callable[[DeliveryOutcome], None]
"""Called once per mail as soon as its outcome is known (the outbox records it there)."""


async def deliver(mails: Sequence[OutgoingMail], settings: SmtpSettings,
                  on_outcome: OutcomeSink | None = None) -> list[DeliveryOutcome]:
    """Send ``mails`` over up to ``settings.concurrency`` reused connections.

    Workers pull from a shared queue, so one slow or refused connection does not
    strand its share. Mails left without an outcome when the batch times out or
    no connection can be (re)established are reported as retry.

    ``on_outcome`` runs on the event loop, between two mails of a connection: a
    commit there briefly holds up the other connections too, which is cheaper than
    a thread hop per mail (and threads cannot be started while ``serve`` shuts
    down). If it raises, the error propagates and no further mail is started: a
    mail sent but not recorded would be sent again, so it is better not sent.
    """
    batch = _Batch(mails, on_outcome)
    workers = min(settings.concurrency, len(mails))
    try:
        async with asyncio.timeout(settings.send_timeout):
            # A task group, not gather: when one connection's sink raises, the others are
            # cancelled at once instead of sending on while the error travels up.
            async with asyncio.TaskGroup() as group:
                for _ in range(workers):
                    group.create_task(_worker(batch, settings))
    except TimeoutError:
        batch.give_up("retry", f"batch exceeded send_timeout of {settings.send_timeout}s")
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    outcomes = batch.results()
    _log_summary(outcomes, settings)
    return outcomes


def deliver_sync(mails: Sequence[OutgoingMail], settings: SmtpSettings,
                 on_outcome: OutcomeSink | None = None) -> list[DeliveryOutcome]:
    """Blocking entry point for the CLI and schedulers that do not run an event loop."""
    return asyncio.run(deliver(mails, settings, on_outcome))


class _Batch:
    """Shared work queue and result slots; safe without locks on one event loop."""

    def __init__(self, mails: Sequence[OutgoingMail], on_outcome: OutcomeSink | None) -> None:
        self.mails = mails
        self._outcomes: list[DeliveryOutcome | None] = [None] * len(mails)
        self._next = 0
        self._last_error: tuple[Status, str] = ("retry", "not attempted")
        self._on_outcome = on_outcome
        self._stopped = False
        """Set when the sink raised: no connection starts another mail, even one whose task did not
        take the cancellation (a client library may be inside a step it finishes first)."""

    def take(self) -> int | None:
        if self._stopped or self._next >= len(self.mails):
            return None
        self._next += 1
        return self._next - 1

    def record(self, index: int, status: Status, reply: str) -> None:
        """Keep the outcome and hand it on before the connection may send its next mail."""
        outcome = self._outcomes[index] = DeliveryOutcome(self.mails[index].key, status, _one_line(reply))
        if self._on_outcome is not None:
            try:
                self._on_outcome(outcome)
            except BaseException:
                self._stopped = True
                raise

    def connection_failed(self, status: Status, reply: str) -> None:
        """Remember why a worker stopped, as the answer for mails nobody could try."""
        self._last_error = (status, reply)

    def give_up(self, status: Status, reply: str) -> None:
        for index, outcome in enumerate(self._outcomes):
            if outcome is None:
                self.record(index, status, reply)

    def results(self) -> list[DeliveryOutcome]:
        self.give_up(*self._last_error)
        return [outcome for outcome in self._outcomes if outcome is not None]


async def _worker(batch: _Batch, settings: SmtpSettings) -> None:
    smtp = _client(settings)
    try:
        await _work_through(batch, smtp)
    finally:
        smtp.close()


async def _work_through(batch: _Batch, smtp: aiosmtplib.SMTP) -> None:
    """Send queued mails over one connection, reconnecting once per lost connection."""
    if (failure := await _connect(smtp)) is not None:
        batch.connection_failed(*failure)
        return
    while (index := batch.take()) is not None:
        if not smtp.is_connected and (failure := await _connect(smtp)) is not None:
            batch.record(index, *failure)
            batch.connection_failed(*failure)
            return
        batch.record(index, *await _send(smtp, batch.mails[index]))
    with contextlib.suppress(*_DELIVERY_ERRORS):
        await smtp.quit()


async def _connect(smtp: aiosmtplib.SMTP) -> tuple[Status, str] | None:
    """Connect (after resetting any half-dead state); return the failure, if any."""
    smtp.close()
    try:
        await smtp.connect()
    except _DELIVERY_ERRORS as exc:
        return _classify(exc)
    return None


def _client(settings: SmtpSettings) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=settings.host,
        port=settings.port,
        username=settings.username,
        password=settings.password,
        timeout=settings.timeout,
        use_tls=settings.security == "tls",
        start_tls=settings.security == "starttls",
        validate_certs=settings.validate_certs,
        tls_context=settings.tls_context,
    )


async def _send(smtp: aiosmtplib.SMTP, mail: OutgoingMail) -> tuple[Status, str]:
    try:
        message = build_message(mail)
    except ValueError as exc:
        return "failed", f"invalid message: {exc}"
    # The message is 7bit (no BODY=8BITMIME needed); addresses are ASCII once validated, but one
    # that is not asks for SMTPUTF8 as aiosmtplib's send_message would.
    options = [] if mail.sender.isascii() and all(r.isascii() for r in mail.recipients) else ["SMTPUTF8"]
    try:
        refused, reply = await smtp.sendmail(mail.sender, list(mail.recipients), message, mail_options=options)
    except _DELIVERY_ERRORS as exc:
        return _classify(exc)
    if refused:
        return "sent", f"250 {reply}; refused: {_describe_refusals(refused)}"
    return "sent", f"250 {reply}"


def _classify(exc: Exception) -> tuple[Status, str]:
    """Map an exception to an outcome: 5xx and unsendable mails fail, the rest retry."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = {error.recipient: (error.code, error.message) for error in exc.recipients}
        permanent = any(500 <= code < 600 for code, _ in refused.values())
        return ("failed" if permanent else "retry"), f"all recipients refused: {_describe_refusals(refused)}"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return ("failed" if 500 <= exc.code < 600 else "retry"), f"{exc.code} {exc.message}"
    # ssl.SSLCertVerificationError is both OSError and ValueError; a certificate
    # problem is fixed by the administrator, so it must not drop the mail.
    permanent = isinstance(exc, (aiosmtplib.SMTPNotSupported, ValueError)) and not isinstance(exc, OSError)
    return ("failed" if permanent else "retry"), f"{type(exc).__name__}: {exc}"


def _log_summary(outcomes: list[DeliveryOutcome], settings: SmtpSettings) -> None:
    """One line per batch: per-mail details belong in the outbox, not in the log."""
    counts = Counter(outcome.status for outcome in outcomes)
    problem = next((outcome for outcome in outcomes if outcome.status != "sent"), None)
    if problem is None:
        log.info("smtp %s:%s: %d sent", settings.host, settings.port, counts["sent"])
    else:
        log.warning(
            "smtp %s:%s: %d sent, %d retry, %d failed; first problem: %s",
            settings.host, settings.port, counts["sent"], counts["retry"], counts["failed"], problem.reply,
        )  # fmt: skip


def _describe_refusals(refused: Mapping[str, tuple[int, str]]) -> str:
    return ", ".join(f"{address} ({code} {message})" for address, (code, message) in refused.items())


def _one_line(text: str) -> str:
    return " ".join(text.split())
