"""The composition root: the one place that builds the door from configuration.

The CLI, the web app, the demo, the benchmarks and the tests call :func:`bootstrap`; a caller
may pass a transport for what lies outside the machine, and the tests a cheaper password hash. The engine's event bus gets its subscribers here,
explicitly and in this order (the order is part of the contract, see docs/architecture.md):

1. ``CarryOver`` (subscribed by the Service itself): a new cycle inherits the action programme;
2. ``TimerPlanner`` (notifications.wiring): every transition plans its reminders in the same
   transaction, and cancels calendar entries that no longer apply — after the carry-over, because
   the inherited indicators' values-due reminders are planned from it;
   ``MeetingInvitations`` (notifications.wiring): a meeting planned, changed or cancelled writes
   its members' invitations with their calendar entries to the outbox in the same transaction;
3. ``scrub_outbox`` and ``MaildirEraser``: ``person forget`` erases the person from the outbox and
   from the maildir;
4. ``forget_account``: and their account, its sessions and tokens (zyklus.app.accounts);
5. ``forget_decider``: and from the OParl candidates they accepted or dismissed (zyklus.app.oparl).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.clock import Clock
    from engine.i18n import Language
    from engine.service import Service
    from argon2 import PasswordHasher

    from notifications.outbox import Transport
    from zyklus.app import Application
    from zyklus.config import Settings


def bootstrap(settings: "Settings", clock: "Clock", *, db_url: str | None = None, lang: "Language" = "de",
              require_schema: bool = True, transport: "Transport | None" = None,
              password_hasher: "PasswordHasher | None" = None) -> "Application":
    """Build the door on ``db_url`` (default: the configured database). The database is opened
    when a use case first needs it; one that was never initialised is refused then. ``transport``
    replaces the configured SMTP server or maildir (the demo's in-process server, a test's).
    ``password_hasher`` replaces argon2id's default costs: the web tests sign in hundreds of
    times and pass the cheapest argon2id (still the real algorithm and hash format)."""
    from zyklus.app import Application

    url = db_url or settings.db_url
    return Application(lambda: build_service(settings, clock, url, lang, require_schema=require_schema),
                       settings=settings, db_url=url, transport=transport, password_hasher=password_hasher)


def build_service(settings: "Settings", clock: "Clock", url: str, lang: "Language", *,
                  require_schema: bool = True) -> "Service":
    """The engine's service on ``url`` with the notifications add-on subscribed."""
    from engine.db.database import make_engine
    from engine.definitions.loader import Catalog
    from engine.errors import ConfigError
    from engine.events import Deferred, DomainEvent
    from engine.i18n import m
    from engine.service import Service
    from engine.versions import database_if_present
    from notifications.wiring import wire_configured

    if require_schema:
        engine = database_if_present(url, busy_timeout=settings.busy_timeout)
        if engine is None:
            raise ConfigError(m("db.not_initialised", lang))
    else:
        from zyklus.schema import register_all_tables

        register_all_tables()  # a new database gets every table, whatever this process imported before
        engine = make_engine(url, busy_timeout=settings.busy_timeout)
    service = Service(engine, Catalog(settings.workflow_dirs), clock, tz=settings.timezone, lang=lang,
                      default_workflow=settings.get("general", "default_workflow"))
    wire_configured(service, settings)
    service.bus.subscribe(Deferred(_account_eraser), DomainEvent)
    service.bus.subscribe(Deferred(_decider_eraser), DomainEvent)
    return service


def _account_eraser():  # (subscriber, event types): imported when a person is forgotten
    from engine.events import PersonForgotten
    from zyklus.app.accounts import forget_account

    return forget_account, (PersonForgotten,)


def _decider_eraser():  # as above: a read never loads the accounts or the OParl tables
    from engine.events import PersonForgotten
    from zyklus.app.oparl import forget_decider

    return forget_decider, (PersonForgotten,)


def local_relay(port: int) -> "Transport":
    """A transport to a plain SMTP server on 127.0.0.1 (the demo's in-process server)."""
    from notifications.smtp import SmtpSettings, deliver_sync

    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none")
    return lambda mails, on_outcome: deliver_sync(mails, smtp, on_outcome)
