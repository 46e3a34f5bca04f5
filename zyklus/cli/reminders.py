"""Reminders and mail: remind, serve, outbox, timers, calendar, template check — through the door.
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Iterator, Optional

import typer
from rich.table import Table

from engine.i18n import format_date, m, t
from zyklus.cli.common import JsonOpt, console, print_json
from zyklus.cli.groups import group

if TYPE_CHECKING:
    from zyklus.app.dto import SweepFailureDTO

outbox_app = group(help="Postausgang: gesendete, wartende und fehlgeschlagene E-Mails.",
                   invoke_without_command=True)
timers_app = group(help="Erinnerungen, die bei einer Erinnerungsrunde fehlschlugen.",
                   invoke_without_command=True)


def _reminders(app: Any):  # noqa: ANN202 - the door's Reminders
    """The reminders of `remind` and `serve`, built once per process: the place to warn once."""
    reminders = app.door.reminders
    if reminders.credentials_in_clear():
        typer.echo(t("smtp.auth_unencrypted", app.lang), err=True)
    return reminders


def remind(
    ctx: typer.Context,
    now: Annotated[Optional[str], typer.Option("--now", help="Zeitpunkt der Erinnerungsrunde (ISO 8601).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur anzeigen, was gesendet würde.")] = False,
    as_json: JsonOpt = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Protokoll mit Tracebacks fehlgeschlagener Erinnerungen.")] = False,
) -> None:
    """Eine Erinnerungsrunde: fällige Erinnerungen erzeugen und zustellen."""
    from engine import validate

    app = ctx.obj
    if now:
        app.now = validate.moment(now, app.tz, app.lang)
    with _log_to_stderr(verbose):
        report = _reminders(app).sweep(dry_run=dry_run)
    for line in _failure_lines(report.failures, app):
        typer.echo(line, err=True)
    if as_json:
        print_json(report)
        return
    delivery = report.delivery
    typer.echo(t("remind.summary", app.lang, now=report.now.isoformat(), queued=report.queued,
                 sent=delivery.get("sent", 0), retry=delivery.get("retry", 0), failed=delivery.get("failed", 0)))
    for restarted in report.restarted:
        typer.echo(t("remind.restarted", app.lang, ags=restarted.ags, number=restarted.cycle))
    for mail in report.mails:
        typer.echo(f"  → {mail.to}: {mail.subject}")
    for problem in report.template_errors:
        typer.echo(t("remind.template_failed", app.lang, problem=problem), err=True)


@contextmanager
def _log_to_stderr(verbose: bool) -> Iterator[None]:
    """Each failure is one line of `remind`'s own output; the log with its traceback (what
    `serve` always writes) only with --verbose, so cron mails stay readable. Without it the
    records still need a handler, or logging's last resort prints them; handlers an embedding
    application configured on the root logger receive them either way. The handler lives as long
    as the command: a process that runs more commands keeps its own logging."""
    logger = logging.getLogger("zyklus")
    handler = logging.StreamHandler(sys.stderr) if verbose else logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def _failure_lines(failures: "list[SweepFailureDTO]", app: Any) -> list[str]:
    lines = []
    for failure in (item.as_json() for item in failures):
        if failure["what"] == "reminder" and failure["retry_at"]:
            lines.append(t("sweep.reminder_retry", app.lang, retry=_local_moment(failure["retry_at"], app), **failure))
        elif failure["what"] == "reminder":
            lines.append(t("sweep.reminder_failed", app.lang, **failure))
        else:
            lines.append(t(f"sweep.{failure['what']}_failed", app.lang, **failure))
    return lines


def _local_moment(stored: str, app: Any) -> str:
    """A stored (naive UTC) moment as the operator reads it: 02.12.2026 07:05 local time."""
    import datetime as dt

    moment = dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC).astimezone(app.tz)
    return f"{format_date(moment.date(), app.lang)} {moment:%H:%M}"


def serve(ctx: typer.Context) -> None:
    """Dauerbetrieb: Erinnerungsrunden im eingestellten Takt (APScheduler)."""
    app = ctx.obj
    _reminders(app)  # the warning about credentials in clear, once
    with _log_to_stderr_while_serving():
        app.door.serve()


@contextmanager
def _log_to_stderr_while_serving() -> Iterator[None]:
    """`serve` logs every sweep and failure (with its traceback) to stderr, for as long as it
    runs: a process that goes on afterwards (the tests, an embedding app) keeps its own logging."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


@outbox_app.callback()
def outbox(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Nur fehlgeschlagene E-Mails.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Postausgang anzeigen / show the outbox."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.obj
    rows = app.door.reminders.outbox(failed_only=failed)
    if as_json:
        print_json(rows)
        return
    table = Table("#", *(t(f"outbox.col.{c}", app.lang) for c in ("status", "to", "subject", "attempts", "error")))
    for row in rows:
        table.add_row(str(row.id), row.status, row.recipient, row.subject, str(row.attempts), row.last_error or "")
    console.print(table, markup=False)  # names and subjects are what people typed


@outbox_app.command("retry")
def outbox_retry(ctx: typer.Context, outbox_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Eine fehlgeschlagene E-Mail erneut senden."""
    from engine.validate import identifier

    app = ctx.obj
    retried = app.door.reminders.retry_mail(identifier(outbox_id, "#", app.lang), app.lang)
    typer.echo(t("outbox.retry_done", app.lang, id=retried))


@outbox_app.command("prune")
def outbox_prune(
    ctx: typer.Context,
    older_than: Annotated[Optional[int], typer.Option(
        "--older-than", metavar="TAGE",
        help="Texte von E-Mails löschen, die vor mehr als TAGE Tagen gesendet wurden "
             "(Vorgabe: [mail] retention_days).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Texte alter gesendeter E-Mails löschen, den Eintrag behalten."""
    from engine.errors import InvalidInput

    app = ctx.obj
    if older_than is not None and older_than < 1:
        raise InvalidInput(m("outbox.days_invalid", app.lang, value=older_than))
    days = app.settings.get("mail", "retention_days") if older_than is None else older_than
    if days == 0:
        if as_json:
            print_json({"cleared": 0, "retention_days": 0})
        else:
            typer.echo(t("outbox.retention_off", app.lang))
        return
    cleared, cutoff = app.door.reminders.prune(days)
    before = cutoff.astimezone(app.tz)
    if as_json:
        print_json({"cleared": cleared, "retention_days": days, "sent_before": before.isoformat()})
        return
    typer.echo(t("outbox.pruned", app.lang, count=cleared, before=format_date(before.date(), app.lang)))


@timers_app.callback()
def timers(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Nur aufgegebene Erinnerungen (nicht die, die noch "
                                                        "wiederholt werden).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Fehlgeschlagene und wiederholte Erinnerungen anzeigen / show failing reminders."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.obj
    rows = app.door.reminders.failing_timers(failed_only=failed)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(t("timers.none", app.lang))
        return
    for row in rows:  # one line each, whole: the error is what the operator needs to read
        data = row.as_json()
        shown = {**data, "fire_on": format_date(data["fire_on"], app.lang),
                 "retry": _local_moment(data["retry_at"], app) if data["retry_at"] else "–"}
        typer.echo(t(f"timers.line.{row.status}", app.lang, **shown))


@timers_app.command("retry")
def timers_retry(ctx: typer.Context, timer_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Eine fehlgeschlagene Erinnerung erneut versuchen."""
    app = ctx.obj
    app.door.reminders.retry_timer(timer_id, app.lang)
    typer.echo(t("timers.retry", app.lang, id=timer_id))


def calendar(ctx: typer.Context, ags: Annotated[str, typer.Argument()]) -> None:
    """Alle Fristen einer Kommune als iCalendar (.ics) auf die Standardausgabe."""
    app = ctx.obj
    data = app.door.reminders.calendar(ags, app.lang)
    if not data:  # RFC 5545 knows no empty calendar: say so instead of writing an invalid file
        typer.echo(t("calendar.empty", app.lang, ags=ags), err=True)
        return
    sys.stdout.buffer.write(data)


template_app = group(help="Eigene E-Mail-Vorlagen prüfen.")


@template_app.command("check")
def template_check(ctx: typer.Context) -> None:
    """Alle eigenen Vorlagen mit Beispieldaten in der Sandbox rendern."""
    from zyklus.app.reminders import check_templates

    app = ctx.obj
    folder = app.settings.template_dir
    if folder is None or not folder.is_dir():
        typer.echo(t("template.none_configured", app.lang), err=True)
        raise typer.Exit(1)
    problems = check_templates(folder, app.lang)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(t("template.all_fine", app.lang))


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)
    app.command("serve")(serve)
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(timers_app, name="timers")
    app.command("calendar")(calendar)
    app.add_typer(template_app, name="template")
