"""The `zyklus` command: loads configuration, wires the engine to its add-ons, maps errors.

This is the only place that knows both ``engine`` and ``notifications``. A user's mistake
becomes one line on stderr and exit code 1 (3 for a refused transition, 2 for usage);
a traceback means a bug in zyklus.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from engine import cli as engine_cli
from notifications import cli as notifications_cli
from zyklus import backup, demo, privacy
from engine.errors import ZyklusError

app = typer.Typer(
    name="zyklus",
    help="zyklus – der Nachhaltigkeitszyklus einer Kommune als geführter Ablauf "
         "(Global Nachhaltige Kommune). / A municipality's sustainability cycle as a guarded workflow.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


_language: list[str] = ["de"]
"""The output language of this invocation, for errors caught outside any command."""


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", help="Datenbank-URL (überschreibt config.toml und ZYKLUS_DB).")] = None,
    config: Annotated[Optional[str], typer.Option("--config", help="Pfad zu config.toml (oder ZYKLUS_CONFIG).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Sprache der Ausgabe: de oder en.")] = None,
    now: Annotated[Optional[str], typer.Option("--now", envvar="ZYKLUS_NOW",
                                               help="Uhrzeit vorgeben (ISO 8601), für Tests und Zeitreisen.")] = None,
) -> None:
    from engine import validate
    from zyklus.config import load_settings
    from zyklus.context import AppContext
    from zyklus.wiring import wire_notifications

    settings = load_settings(config)
    language = lang or settings.language
    if language not in ("de", "en"):
        raise typer.BadParameter("de | en", param_hint="--lang")
    _language[0] = language
    moment = validate.moment(now, _tz(settings.timezone), language) if now else None
    ctx.obj = AppContext(settings=settings, lang=language,  # type: ignore[arg-type]
                         db_url=db or settings.db_url,
                         now=moment, wiring=[wire_notifications])


def _tz(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


engine_cli.register(app)
notifications_cli.register(app)
app.command("demo")(demo.demo)
app.command("backup")(backup.backup)
privacy.register(engine_cli.person_app)




class _NeverRaised(Exception):
    pass


def _operational_error() -> type[Exception]:
    """SQLAlchemy's OperationalError, without importing SQLAlchemy for `--help`: a command that
    never loaded it cannot have raised it (the except clause is evaluated only on the way out)."""
    loaded = sys.modules.get("sqlalchemy.exc")
    return loaded.OperationalError if loaded is not None else _NeverRaised


def run(argv: list[str] | None = None) -> int:
    """Console-script entry point. Typer (click) handles usage errors and ``typer.Exit`` itself
    by raising SystemExit; zyklus's own errors become one line and their exit code."""
    try:
        app(args=argv, prog_name="zyklus")
    except ZyklusError as exc:
        print(exc.message, file=sys.stderr)
        for problem in getattr(exc, "problems", [])[1:]:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except _operational_error() as exc:
        # The database server is down or the file unreachable: say so in one line. Nothing was
        # committed, so the next run (or the scheduler's next sweep) simply catches up.
        from engine.i18n import t

        print(t("db.unreachable", _language[0], error=str(exc.orig).strip().splitlines()[0]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())
