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
    "init": ("cycles", "Datenbank einrichten oder auf den neuesten Stand bringen."),
    "record": ("cycles", "Einen Nachweis erfassen."),
    "advance": ("cycles", "Den Zyklus in die nächste Phase bringen."),
    "status": ("cycles", "Wo steht der Zyklus, was fehlt noch?"),
    "history": ("cycles", "Wer hat wann was getan?"),
    "evaluate": ("programme", "Indikatoren bewerten (Wettersymbole), Maßnahmen und Zeitplan bilanzieren."),
    "cycles": ("programme", "Alle Zyklen mit Daten, Ablauf-Version und Ergebnis."),
    "remind": ("reminders", "Eine Erinnerungsrunde: fällige Erinnerungen erzeugen und zustellen."),
    "serve": ("reminders", "Dauerbetrieb: Erinnerungsrunden im eingestellten Takt (APScheduler)."),
    "calendar": ("reminders", "Alle Fristen einer Kommune als iCalendar (.ics) auf die Standardausgabe."),
    "demo": ("demo", "Ein ganzer Zyklus einer Beispielkommune in simulierter Zeit."),
    "backup": ("backup", "Die SQLite-Datenbank im laufenden Betrieb sichern."),
    "web": ("web", "Die Web-Anwendung starten."),
    "municipality": ("cycles", "Kommunen registrieren und auflisten."),
    "person": ("cycles", "Personen der Arbeitsstrukturen."),
    "cycle": ("cycles", "Einen Zyklus starten (Liste: zyklus cycles AGS)."),
    "deadline": ("cycles", "Fristen ändern."),
    "meeting": ("meetings", "Sitzungen der Arbeitsstrukturen."),
    "indicator": ("programme", "Indikatoren: Katalog, Ziele, Werte."),
    "goal": ("programme", "Ziele des Handlungsprogramms."),
    "measure": ("programme", "Maßnahmen und ihr Stand."),
    "report": ("programme", "Den Nachhaltigkeitsbericht schreiben, seine Texte verfassen."),
    "workflow": ("workflows", "Ablaufvarianten prüfen, ansehen, simulieren und migrieren."),
    "outbox": ("reminders", "Postausgang: gesendete, wartende und fehlgeschlagene E-Mails."),
    "timers": ("reminders", "Erinnerungen, die bei einer Erinnerungsrunde fehlschlugen."),
    "template": ("reminders", "Eigene E-Mail-Vorlagen prüfen."),
    "account": ("web", "Zugänge für Web und API."),
    "run": ("runs", "Programmdurchgänge (z. B. GNK Thüringen 2027–2029)."),
    "oparl": ("oparl", "Ratsinformationssystem (OParl): Quellen, Abgleich, Beschlussvorschläge."),
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
         "(Global Nachhaltige Kommune).",
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


def current_language() -> str:
    """The output language of this call: ``--lang``, the configuration's, or ``ZYKLUS_LANG``."""
    return _language[0]


def _env_language() -> str:
    return "en" if os.environ.get("ZYKLUS_LANG") == "en" else "de"


_VALUED_ROOT_OPTIONS = ("--db", "--config", "--now")


def _asked_language(argv: list[str]) -> str:
    """The language of ``--lang`` among the root's options, else of the environment: what a
    mistake is said in that click finds before the root's callback runs (an unknown option or
    command), when --lang itself has not been read yet."""
    words = iter(argv)
    for word in words:
        if word in _VALUED_ROOT_OPTIONS:
            next(words, None)
        elif word == "--lang" or word.startswith("--lang="):
            lang = word.partition("=")[2] if "=" in word else next(words, "")
            return lang if lang in ("de", "en") else _env_language()
        elif not word.startswith("-"):
            break  # the command: what follows is its own
    return _env_language()


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
    from engine.i18n import t
    from zyklus import secrets
    from zyklus.config import load_settings
    from zyklus.cli.context import AppContext

    _debug[0] = debug
    if lang is not None and lang not in ("de", "en"):
        raise typer.BadParameter(t("cli.lang.choices", _language[0]), param_hint="--lang")  # type: ignore[arg-type]
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
    """Console-script entry point. Typer (click) handles ``typer.Exit`` and a bare group's help
    itself by raising SystemExit; everything else becomes one line on stderr, scrubbed of
    secrets: zyklus's own errors and usage mistakes (zyklus.cli.usage) with their exit code, an
    unreachable database with 1, and anything unexpected as an internal error (exit 1, the
    traceback with --debug)."""
    from zyklus.secrets import install_log_scrubber

    install_log_scrubber()
    _language[0] = _asked_language(sys.argv[1:] if argv is None else argv)  # until the root's callback has run
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
