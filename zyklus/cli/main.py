"""The `zyklus` command: loads configuration, builds the context whose door every command uses,
and maps errors. A user's mistake becomes one line on stderr and exit code 1 (3 for a refused
transition, 2 for usage); a traceback means a bug in zyklus.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import traceback
from typing import Annotated, Optional

import typer

from engine.errors import ZyklusError
from zyklus.cli.groups import LazyGroup

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (the module of zyklus.cli whose register() adds it, the line `zyklus --help` lists);
    # tests/unit/test_cli_commands.py holds both to the real commands.
    "init": ("cycles", "Datenbank einrichten oder auf den neuesten Stand bringen / create or upgrade the database."),
    "record": ("cycles", "Einen Nachweis erfassen / record a fact."),
    "advance": ("cycles", "Den Zyklus in die nächste Phase bringen / advance the cycle."),
    "status": ("cycles", "Wo steht der Zyklus, was fehlt noch? / where the cycle stands and what is missing."),
    "history": ("cycles", "Wer hat wann was getan? / who did what, when."),
    "evaluate": ("programme", ("Indikatoren bewerten (Wettersymbole), Maßnahmen und Zeitplan bilanzieren / "
                               "evaluate a cycle.")),
    "cycles": ("programme", ("Alle Zyklen mit Daten, Ablauf-Version und Ergebnis / all cycles with dates, version "
                             "and outcome.")),
    "remind": ("reminders", ("Eine Erinnerungsrunde: fällige Erinnerungen erzeugen und zustellen / run one reminder "
                             "sweep.")),
    "serve": ("reminders", "Dauerbetrieb: Erinnerungsrunden im eingestellten Takt (APScheduler) / run the scheduler."),
    "calendar": ("reminders", ("Alle Fristen einer Kommune als iCalendar (.ics) auf die Standardausgabe / "
                               "deadlines as .ics.")),
    "demo": ("demo", "Ein ganzer Zyklus einer Beispielkommune in simulierter Zeit / a whole cycle, simulated."),
    "backup": ("backup", ("Die SQLite-Datenbank im laufenden Betrieb sichern / back up the SQLite database while "
                          "it is in use.")),
    "web": ("web", "Die Web-Anwendung starten / serve the web app and the REST API."),
    "municipality": ("cycles", "Kommunen registrieren und auflisten / register and list municipalities."),
    "person": ("cycles", "Personen der Arbeitsstrukturen / people of the working structures."),
    "cycle": ("cycles", "Einen Zyklus starten (Liste: zyklus cycles AGS) / start a cycle."),
    "deadline": ("cycles", "Fristen ändern / change deadlines."),
    "meeting": ("meetings", "Sitzungen der Arbeitsstrukturen / meetings of the working structures."),
    "indicator": ("programme", "Indikatoren: Katalog, Ziele, Werte / indicators: catalogue, targets, values."),
    "goal": ("programme", "Ziele des Handlungsprogramms / goals of the action programme."),
    "measure": ("programme", "Maßnahmen und ihr Stand / measures and their status."),
    "report": ("programme", ("Den Nachhaltigkeitsbericht schreiben, seine Texte verfassen / write the "
                             "sustainability report and its texts.")),
    "workflow": ("workflows", ("Ablaufvarianten prüfen, ansehen, simulieren und migrieren / validate, show, simulate "
                               "and migrate workflow variants.")),
    "outbox": ("reminders", "Postausgang: gesendete, wartende und fehlgeschlagene E-Mails / the outbox."),
    "timers": ("reminders", "Erinnerungen, die bei einer Erinnerungsrunde fehlschlugen / failing reminders."),
    "template": ("reminders", "Eigene E-Mail-Vorlagen prüfen / check administrator templates."),
    "account": ("web", "Zugänge für Web und API / accounts for the web app and the API."),
    "run": ("runs", "Programmdurchgänge (z. B. GNK Thüringen 2027–2029) / programme runs."),
    "oparl": ("oparl", ("Ratsinformationssystem (OParl): Quellen, Abgleich, Beschlussvorschläge / council "
                        "information systems (OParl).")),
}
"""Every command of `zyklus`, in the order its help lists them. A command's module is imported
when the command runs or its help is shown, so `zyklus status AGS` loads the cycle commands
alone and `zyklus --help` none (issue 16, goal 2)."""


class Zyklus(LazyGroup):
    table = COMMANDS


app = typer.Typer(
    name="zyklus",
    cls=Zyklus,
    help="zyklus – der Nachhaltigkeitszyklus einer Kommune als geführter Ablauf "
         "(Global Nachhaltige Kommune). / A municipality's sustainability cycle as a guarded workflow.",
    no_args_is_help=True,
    rich_markup_mode=None,  # click's plain help: typer's rich help imports rich, markdown-it and pygments
    pretty_exceptions_enable=False,
    add_completion=False,
)


_language: list[str] = ["de"]
"""The output language of this invocation, for errors caught outside any command."""
_debug: list[bool] = [False]
"""Whether an internal error shows its traceback (--debug / ZYKLUS_DEBUG)."""

log = logging.getLogger("zyklus")


def _env_language() -> str:
    return "en" if os.environ.get("ZYKLUS_LANG") == "en" else "de"


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", help="Datenbank-URL (überschreibt config.toml und ZYKLUS_DB).")] = None,
    config: Annotated[Optional[str], typer.Option("--config", help="Pfad zu config.toml (oder ZYKLUS_CONFIG).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Sprache der Ausgabe: de oder en.")] = None,
    now: Annotated[Optional[str], typer.Option("--now", envvar="ZYKLUS_NOW",
                                               help="Uhrzeit vorgeben (ISO 8601), für Tests und Zeitreisen.")] = None,
    debug: Annotated[bool, typer.Option("--debug", envvar="ZYKLUS_DEBUG",
                                        help="Bei internen Fehlern die Ablaufverfolgung zeigen.")] = False,
) -> None:
    from engine import validate
    from zyklus import secrets
    from zyklus.config import load_settings
    from zyklus.cli.context import AppContext

    _debug[0] = debug
    if lang is not None and lang not in ("de", "en"):
        raise typer.BadParameter("de | en", param_hint="--lang")
    for url in (db, os.environ.get("ZYKLUS_DB")):
        secrets.remember_url(url)  # before anything can fail and quote it
    settings = load_settings(config, lang or _env_language())  # type: ignore[arg-type]
    secrets.remember_url(settings.get("database", "url"))
    language = lang or settings.language
    _language[0] = language
    db_url = db or settings.db_url
    validate.database_url(db_url, language)  # type: ignore[arg-type]
    moment = validate.moment(now, _tz(settings.timezone), language) if now else None
    ctx.obj = AppContext(settings=settings, lang=language, db_url=db_url, now=moment)  # type: ignore[arg-type]
    ctx.call_on_close(ctx.obj.close)


def _tz(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


@functools.cache
def command() -> Zyklus:
    """The root click group, built once per process; each command's module is built when first
    looked up (zyklus.cli.groups.commands_of), also once: the tests run the CLI hundreds of times."""
    return typer.main.get_command(app)  # type: ignore[return-value]  (a group: the app has a callback)


def run(argv: list[str] | None = None) -> int:
    """Console-script entry point. Typer (click) handles usage errors and ``typer.Exit`` itself
    by raising SystemExit; everything else becomes one line on stderr, scrubbed of secrets:
    zyklus's own errors with their exit code, an unreachable database with 1, and anything
    unexpected as an internal error (exit 1, the traceback with --debug)."""
    from zyklus.secrets import install_log_scrubber

    install_log_scrubber()
    try:
        command()(args=argv, prog_name="zyklus")
    except ZyklusError as exc:
        _say(*exc.lines(_language[0]))
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - the one place that turns every other failure into a line
        _say(_describe_failure(exc))
        return 1
    return 0


def _say(*lines: str) -> None:
    from zyklus.secrets import scrub

    for line in lines:
        print(scrub(line), file=sys.stderr)


def _describe_failure(exc: Exception) -> str:
    """A database error zyklus understands (busy, not initialised, not a database, unreachable)
    in its own words; anything else is a bug: logged with its traceback, one line here."""
    from engine.i18n import t

    lang = _language[0]
    database = sys.modules.get("engine.db.faults")  # loaded by any command that touched a database
    if database is not None:
        mapped = database.translate(exc, lang)  # type: ignore[arg-type]
        if mapped is not None:
            return mapped.message
        if database.unreachable(exc):
            # The server is down or the file unreachable. Nothing was committed, so the next run
            # (or the scheduler's next sweep) simply catches up.
            detail = str(getattr(exc, "orig", exc)).strip().splitlines() or [type(exc).__name__]
            return t("db.unreachable", lang, error=detail[0])
    if logging.getLogger().handlers:  # a configured log (serve) gets the traceback, scrubbed
        log.error("internal error", exc_info=exc)
    if _debug[0]:
        _say("".join(traceback.format_exception(exc)).rstrip("\n"))
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return t("internal.error", lang, error=f"{type(exc).__name__}: {first}" if first else type(exc).__name__)


if __name__ == "__main__":
    sys.exit(run())
