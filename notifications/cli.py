"""Commands of the notifications add-on: remind, serve, outbox, timers, calendar.

Like the engine's commands they read the service and settings from ``ctx.obj``.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

outbox_app = typer.Typer(help="Postausgang: gesendete, wartende und fehlgeschlagene E-Mails / the outbox.",
                         invoke_without_command=True)
timers_app = typer.Typer(help="Erinnerungen, die bei einer Erinnerungsrunde fehlschlugen / failing reminders.",
                         invoke_without_command=True)
console = Console(highlight=False)


def _sweeper(app: Any):
    """The sweeper of `remind` and `serve`, built once per process: the place to warn once."""
    from engine.i18n import t
    from notifications.setup import smtp_settings, sweeper_for

    smtp = smtp_settings(app.settings)
    if smtp is not None and smtp.credentials_in_clear:
        typer.echo(t("smtp.auth_unencrypted", app.lang), err=True)
    return sweeper_for(app.service, app.settings)


def remind(
    ctx: typer.Context,
    now: Annotated[Optional[str], typer.Option("--now", help="Zeitpunkt der Erinnerungsrunde (ISO 8601).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur anzeigen, was gesendet würde.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Ergebnis als JSON.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Protokoll mit Tracebacks fehlgeschlagener Erinnerungen.")] = False,
) -> None:
    """Eine Erinnerungsrunde: fällige Erinnerungen erzeugen und zustellen / run one reminder sweep."""
    from engine import validate

    app = ctx.obj
    if now:
        app.now = validate.moment(now, app.tz, app.lang)
    _log_to_stderr(verbose)
    report = _sweeper(app).sweep(dry_run=dry_run)
    for line in _failure_lines(report.failures, app):
        typer.echo(line, err=True)
    data = report.as_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    de = app.lang == "de"
    delivery = data["delivery"]
    typer.echo((f"Erinnerungsrunde {data['now']}: {data['queued']} E-Mails erzeugt, "
                f"{delivery.get('sent', 0)} gesendet, {delivery.get('retry', 0)} später erneut, "
                f"{delivery.get('failed', 0)} fehlgeschlagen.") if de else
               (f"Reminder sweep {data['now']}: {data['queued']} mails queued, {delivery.get('sent', 0)} sent, "
                f"{delivery.get('retry', 0)} to retry, {delivery.get('failed', 0)} failed."))
    for restarted in data["restarted"]:
        typer.echo((f"{restarted['ags']}: Zyklus {restarted['cycle']} begonnen.") if de else
                   (f"{restarted['ags']}: cycle {restarted['cycle']} began."))
    for mail in data["mails"]:
        typer.echo(f"  → {mail['to']}: {mail['subject']}")
    for problem in data["template_errors"]:
        typer.echo(("Warnung: eigene Vorlage fehlerhaft, Standardvorlage verwendet: " if de else
                    "Warning: administrator template failed, shipped template used: ") + problem, err=True)


_remind_log: list[logging.Handler] = []
"""The handler `remind` put on the "zyklus" logger, replaced by the next `remind` in this process."""


def _log_to_stderr(verbose: bool) -> None:
    """Each failure is one line of `remind`'s own output; the log with its traceback (what
    `serve` always writes) only with --verbose, so cron mails stay readable. Without it the
    records still need a handler, or logging's last resort prints them; handlers an embedding
    application configured on the root logger receive them either way."""
    logger = logging.getLogger("zyklus")
    while _remind_log:
        logger.removeHandler(_remind_log.pop())
    handler = logging.StreamHandler(sys.stderr) if verbose else logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    _remind_log.append(handler)


def _failure_lines(failures: list[dict[str, Any]], app: Any) -> list[str]:
    from engine.i18n import t

    lines = []
    for failure in failures:
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

    from engine.i18n import format_date

    moment = dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC).astimezone(app.tz)
    return f"{format_date(moment.date(), app.lang)} {moment:%H:%M}"


def serve(ctx: typer.Context) -> None:
    """Dauerbetrieb: Erinnerungsrunden im eingestellten Takt (APScheduler) / run the scheduler."""
    from notifications.scheduler import serve as run_scheduler

    app = ctx.obj
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    sweeper = _sweeper(app)
    run_scheduler(lambda: sweeper.sweep().as_dict(), app.settings.get("scheduler", "interval_seconds"),
                  app.settings.timezone)


@outbox_app.callback()
def outbox(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Nur fehlgeschlagene E-Mails.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Postausgang anzeigen / show the outbox."""
    if ctx.invoked_subcommand is not None:
        return
    from notifications.outbox import listing

    app = ctx.obj
    rows = listing(app.service.engine, failed_only=failed)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("#", "Status", "An" if app.lang == "de" else "To", "Betreff" if app.lang == "de" else "Subject",
                  "Versuche" if app.lang == "de" else "Attempts", "Fehler" if app.lang == "de" else "Error")
    for row in rows:
        table.add_row(str(row["id"]), row["status"], row["recipient"], row["subject"], str(row["attempts"]),
                      row["last_error"] or "")
    console.print(table)


@outbox_app.command("retry")
def outbox_retry(ctx: typer.Context, outbox_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Eine fehlgeschlagene E-Mail erneut senden / send a failed mail again."""
    from engine.validate import identifier
    from notifications.outbox import retry

    app = ctx.obj
    row = retry(app.service.engine, identifier(outbox_id, "#", app.lang), app.clock.now(), app.lang)
    typer.echo((f"#{row.id} wird bei der nächsten Erinnerungsrunde erneut gesendet.") if app.lang == "de" else
               (f"#{row.id} will be sent again by the next sweep."))


@outbox_app.command("prune")
def outbox_prune(
    ctx: typer.Context,
    older_than: Annotated[Optional[int], typer.Option(
        "--older-than", metavar="TAGE",
        help="Texte von E-Mails löschen, die vor mehr als TAGE Tagen gesendet wurden "
             "(Vorgabe: [mail] retention_days).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Ergebnis als JSON.")] = False,
) -> None:
    """Texte alter gesendeter E-Mails löschen, den Eintrag behalten / clear the texts of old sent mails."""
    import datetime as dt

    from engine.errors import InvalidInput
    from engine.i18n import format_date, t
    from notifications.outbox import clear_old_bodies

    app = ctx.obj
    if older_than is not None and older_than < 1:
        raise InvalidInput(t("outbox.days_invalid", app.lang, value=older_than))
    days = app.settings.get("mail", "retention_days") if older_than is None else older_than
    if days == 0:
        typer.echo(json.dumps({"cleared": 0, "retention_days": 0}) if as_json else t("outbox.retention_off", app.lang))
        return
    now = app.clock.now()
    cleared = clear_old_bodies(app.service.engine, now, days)
    before = (now - dt.timedelta(days=days)).astimezone(app.tz)
    if as_json:
        typer.echo(json.dumps({"cleared": cleared, "retention_days": days, "sent_before": before.isoformat()}))
        return
    typer.echo(t("outbox.pruned", app.lang, count=cleared, before=format_date(before.date(), app.lang)))


@timers_app.callback()
def timers(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Nur aufgegebene Erinnerungen (nicht die, die noch "
                                                        "wiederholt werden).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Fehlgeschlagene und wiederholte Erinnerungen anzeigen / show failing reminders."""
    if ctx.invoked_subcommand is not None:
        return
    from engine.i18n import format_date, t
    from notifications.timers import failing

    app = ctx.obj
    rows = failing(app.service.engine, failed_only=failed)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(t("timers.none", app.lang))
        return
    for row in rows:  # one line each, whole: the error is what the operator needs to read
        shown = {**row, "fire_on": format_date(row["fire_on"], app.lang),
                 "retry": _local_moment(row["retry_at"], app) if row["retry_at"] else "–"}
        typer.echo(t(f"timers.line.{row['status']}", app.lang, **shown))


@timers_app.command("retry")
def timers_retry(ctx: typer.Context, timer_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Eine fehlgeschlagene Erinnerung erneut versuchen / try a failed reminder again."""
    from engine.i18n import t
    from notifications.timers import retry

    app = ctx.obj
    retry(app.service.engine, timer_id, app.lang)
    typer.echo(t("timers.retry", app.lang, id=timer_id))


def calendar(ctx: typer.Context, ags: Annotated[str, typer.Argument()]) -> None:
    """Alle Fristen einer Kommune als iCalendar (.ics) auf die Standardausgabe / deadlines as .ics."""
    from notifications.calendar_export import export

    app = ctx.obj
    data = export(app.service, ags, app.settings.get("mail", "message_id_domain"), app.lang)
    if not data:  # RFC 5545 knows no empty calendar: say so instead of writing an invalid file
        from engine.i18n import t

        typer.echo(t("calendar.empty", app.lang, ags=ags), err=True)
        return
    sys.stdout.buffer.write(data)


template_app = typer.Typer(help="Eigene E-Mail-Vorlagen prüfen / check administrator templates.",
                           no_args_is_help=True)


@template_app.command("check")
def template_check(ctx: typer.Context) -> None:
    """Alle eigenen Vorlagen mit Beispieldaten in der Sandbox rendern / render every override."""
    from notifications.template_check import check_templates

    app = ctx.obj
    folder = app.settings.template_dir
    de = app.lang == "de"
    if folder is None or not folder.is_dir():
        typer.echo(("Keine eigenen Vorlagen konfiguriert ([general] template_dir)." if de else
                    "No administrator templates configured ([general] template_dir)."), err=True)
        raise typer.Exit(1)
    problems = check_templates(folder)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("Alle eigenen Vorlagen sind in Ordnung." if de else "All administrator templates render.")


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)
    app.command("serve")(serve)
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(timers_app, name="timers")
    app.command("calendar")(calendar)
    app.add_typer(template_app, name="template")
    from engine.workflow_cli import workflow_app
    from notifications.simulate_cli import register as register_simulate

    register_simulate(workflow_app)  # `zyklus workflow simulate` shows the reminder planning of this add-on
