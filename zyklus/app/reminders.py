"""The door's reminders and mail: one sweep, the outbox and the failing reminders for an operator,
the calendar of a municipality, the check of administrator templates.

The sweep is what `zyklus remind`, `zyklus serve`'s interval job and the demo run; the clock it
reads is the service's, so a caller travels in time by giving the door a clock, not a date.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zyklus.app.dto import FailingTimerDTO, OutboxRowDTO, SweepReportDTO

if TYPE_CHECKING:
    from engine.i18n import Language
    from engine.service import Service
    from notifications.outbox import Transport
    from notifications.setup import SettingsLike
    from notifications.sweep import Sweeper


class Reminders:
    def __init__(self, service: Service, settings: SettingsLike, transport: Transport | None = None) -> None:
        self._service = service
        self._settings = settings
        self._transport = transport

    @cached_property
    def sweeper(self) -> Sweeper:
        """Built on first use: the mail renderer, SMTP and iCalendar load only for a sweep."""
        from notifications.setup import sweeper_for
        from zyklus.app.runs import advisors

        return sweeper_for(self._service, self._settings, self._transport, advisors=advisors)

    def credentials_in_clear(self) -> bool:
        """Whether SMTP AUTH would send the user name and password over an unencrypted connection."""
        from notifications.setup import smtp_settings

        smtp = smtp_settings(self._settings)
        return smtp is not None and smtp.credentials_in_clear

    def sweep(self, *, dry_run: bool = False) -> SweepReportDTO:
        return SweepReportDTO.model_validate(self.sweeper.sweep(dry_run=dry_run).as_dict())

    def deliver(self) -> dict[str, int]:
        """Send what waits in the outbox now, without a sweep (a password link right after the
        request); counts per outcome."""
        from notifications.outbox import dispatch

        sweeper = self.sweeper
        return dispatch(self._service.engine, self._service.clock.now(), sweeper.transport, sweeper.sender,
                        sweeper.policy, sweeper.batch_size)

    def serve(self, also: tuple[int, Callable[[], Any]] | None = None) -> None:
        """Sweep every ``[scheduler] interval_seconds`` until SIGTERM or SIGINT (APScheduler);
        ``also`` is a second job with its interval in seconds (the OParl sync)."""
        from notifications.scheduler import serve

        serve(lambda: self.sweep().as_json(), self._settings.get("scheduler", "interval_seconds"),
              self._settings.get("general", "timezone"), also=also)

    # -- the operator's views ---------------------------------------------------------------------
    def outbox(self, *, failed_only: bool = False) -> list[OutboxRowDTO]:
        from notifications.outbox import listing

        return [OutboxRowDTO.model_validate(row) for row in listing(self._service.engine, failed_only=failed_only)]

    def retry_mail(self, outbox_id: int, lang: str = "de") -> int:
        """Send a failed (or waiting) mail again with the next sweep; returns its id."""
        from notifications.outbox import retry

        return retry(self._service.engine, outbox_id, self._service.clock.now(), lang).id  # type: ignore[arg-type]

    def prune(self, days: int) -> tuple[int, dt.datetime]:
        """Clear the texts of mails sent more than ``days`` ago; returns how many and the cut-off."""
        from notifications.outbox import clear_old_bodies

        now = self._service.clock.now()
        return clear_old_bodies(self._service.engine, now, days), now - dt.timedelta(days=days)

    def failing_timers(self, *, failed_only: bool = False) -> list[FailingTimerDTO]:
        """Reminders that raised: still being retried, or (``failed_only``) given up."""
        from notifications.timers import failing

        return [FailingTimerDTO.model_validate(row) for row in failing(self._service.engine, failed_only=failed_only)]

    def retry_timer(self, timer_id: int, lang: str = "de") -> None:
        from notifications.timers import retry

        retry(self._service.engine, timer_id, lang)  # type: ignore[arg-type]

    # -- calendar and templates -------------------------------------------------------------------
    def calendar(self, ags: str, lang: str = "de") -> bytes:
        """Every deadline and date of a municipality's cycle as one iCalendar file."""
        from notifications.calendar_export import export

        return export(self._service.in_language(lang), ags,  # type: ignore[arg-type]
                      self._settings.get("mail", "message_id_domain"), lang)  # type: ignore[arg-type]

    def feed(self, ags_list: Iterable[str], name: str, lang: str = "de") -> bytes:
        """One person's subscription: the calendars of the municipalities they may read merged
        into one VCALENDAR (each event keeps its UID and SEQUENCE, so it is the same entry as in
        the mails' attachments). Parsed and written by icalendar, which folds and escapes every
        text; a person with no dates yet gets a calendar without events, which clients accept as
        an empty subscription."""
        from icalendar import Calendar

        from notifications.ics import PRODID

        merged = Calendar()
        merged.prodid = PRODID
        merged.version = "2.0"
        merged.add("x-wr-calname", name)
        for ags in ags_list:
            data = self.calendar(ags, lang)
            if data:
                for event in Calendar.from_ical(data).walk("VEVENT"):
                    merged.add_component(event)
        return merged.to_ical()  # type: ignore[no-any-return]


def check_templates(folder: Path, lang: Language = "de") -> list[str]:
    """Render every administrator template with sample data of every kind of mail, in the sandbox
    and with the sweep's limits; one line per problem, in ``lang``. Needs no database."""
    from notifications.template_check import check_templates as check

    return check(folder, lang)
