"""Building the notification machinery from configuration, for entry points and tests alike."""

from __future__ import annotations

import os
import ssl
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from engine.service import Service
from notifications.compose import Composer, MailSettings
from notifications.mail import OutgoingMail
from notifications.maildir import deliver_to_maildir
from notifications.outbox import RetryPolicy, Transport
from notifications.render import MailRenderer
from notifications.smtp import OutcomeSink, SmtpSettings, deliver_sync
from notifications.run_reminders import AdvisorSource, RunMailer
from notifications.sweep import Sweeper
from notifications.timers import TimerPlanner

PASSWORD_ENV = "ZYKLUS_SMTP_PASSWORD"


class SettingsLike(Protocol):
    def get(self, section: str, key: str) -> Any: ...

    def resolve(self, value: str) -> Path: ...

    @property
    def template_dir(self) -> Path | None: ...

    @property
    def public_url(self) -> str | None: ...


def smtp_settings(settings: SettingsLike) -> SmtpSettings | None:
    """None when no SMTP host is configured: mail then goes to the local maildir."""
    host = settings.get("smtp", "host")
    if not host:
        return None
    return SmtpSettings(host=host, port=settings.get("smtp", "port"), security=settings.get("smtp", "security"),
                        username=settings.get("smtp", "username") or None, password=os.environ.get(PASSWORD_ENV),
                        timeout=float(settings.get("smtp", "timeout")),
                        send_timeout=float(settings.get("smtp", "send_timeout")),
                        concurrency=settings.get("smtp", "concurrency"),
                        validate_certs=settings.get("smtp", "validate_certs"),
                        tls_context=_tls_context(settings))


def _tls_context(settings: SettingsLike) -> ssl.SSLContext | None:
    """A town hall's relay often has a certificate from the municipal IT's own CA."""
    ca_file = settings.get("smtp", "ca_file")
    return ssl.create_default_context(cafile=str(settings.resolve(ca_file))) if ca_file else None


def transport_for(settings: SettingsLike) -> Transport:
    smtp = smtp_settings(settings)
    if smtp is None:
        maildir = settings.resolve(settings.get("mail", "maildir"))

        def to_maildir(mails: Sequence[OutgoingMail], on_outcome: OutcomeSink) -> None:
            deliver_to_maildir(mails, maildir, on_outcome)

        return to_maildir

    def to_smtp(mails: Sequence[OutgoingMail], on_outcome: OutcomeSink) -> None:
        deliver_sync(mails, smtp, on_outcome)

    return to_smtp


def composer_for(service: Service, settings: SettingsLike) -> Composer:
    return Composer(service, MailRenderer(settings.template_dir, fallback_to_shipped=True),
                    MailSettings(sender=settings.get("smtp", "sender"), domain=settings.get("mail", "message_id_domain"),
                                 public_url=settings.public_url))


def planner_for(service: Service, settings: SettingsLike) -> TimerPlanner:
    """The planner with calendar cancellations; the Composer they need is built on first use."""
    from notifications.cancellations import Cancellations

    return TimerPlanner(service, send_hour=settings.get("scheduler", "send_hour"),
                        cancellations=Cancellations(service, lambda: composer_for(service, settings)))


def sweeper_for(service: Service, settings: SettingsLike, transport: Transport | None = None,
                advisors: AdvisorSource | None = None) -> Sweeper:
    """``advisors``: who gets the weekly digest of their programme runs (the door's accounts)."""
    composer = composer_for(service, settings)
    policy = RetryPolicy(max_attempts=settings.get("mail", "max_attempts"),
                         base_seconds=settings.get("mail", "retry_base_seconds"),
                         max_seconds=settings.get("mail", "retry_max_seconds"))
    return Sweeper(service, composer, planner_for(service, settings), transport or transport_for(settings),
                   sender=settings.get("smtp", "sender"), policy=policy,
                   batch_size=settings.get("mail", "batch_size"),
                   retention_days=settings.get("mail", "retention_days"),
                   runs=RunMailer(service, composer, settings.get("scheduler", "send_hour"), advisors))
