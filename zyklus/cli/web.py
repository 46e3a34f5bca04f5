"""`zyklus web`: the web app and the REST API; `zyklus account …`: who may sign in.

People registered in a municipality need no account command: they ask for a password link on
the login page. Administrators and advisors are registered here.
"""

from __future__ import annotations

from typing import Annotated

import typer

from engine.i18n import t
from zyklus.cli.common import JsonOpt, console, print_json
from zyklus.cli.groups import group


def web(ctx: typer.Context,
        host: Annotated[str | None, typer.Option("--host", help="Adresse (Standard: [web] host).")] = None,
        port: Annotated[int | None, typer.Option("--port", help="Port (Standard: [web] port).")] = None,
        workers: Annotated[int | None, typer.Option("--workers", help="Prozesse (mehr als einer: PostgreSQL).")] = None,
        demo: Annotated[bool, typer.Option("--demo", help="Die Demo-Daten zeigen (Wegwerf-Datenbank).")] = False) -> None:
    """Die Web-Anwendung starten."""
    from zyklus.web.server import check_start, secret_key, serve

    app = ctx.obj
    settings = app.settings
    host = host or settings.get("web", "host")
    port = port or settings.get("web", "port")
    workers = workers or settings.get("web", "workers")
    if demo:
        from zyklus.cli.demo import web_demo

        door, accounts = web_demo(app)
        workers = 1
        for email, role in accounts:
            console.print(t("web.demo.account", app.lang, email=email, role=role), markup=False)
    else:
        check_start(settings, app.db_url, workers, app.lang)
    secret, ephemeral = secret_key(workers, app.lang)  # the configuration first, then the database
    if not demo:
        door = app.door
        door.cycles.municipalities()  # refuses an uninitialised database now, not at the first request
    if ephemeral:
        typer.echo(t("web.secret_ephemeral", app.lang), err=True)
    typer.echo(t("web.serving", app.lang, url=f"http://{host}:{port}/"), err=True)
    serve(door, settings, db_url=app.db_url, host=host, port=port, workers=workers, secret=secret)


def account_add(ctx: typer.Context,
                email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")],
                name: Annotated[str, typer.Option("--name", help="Name.")] = "",
                admin: Annotated[bool, typer.Option("--admin", help="Administration (Konten, Abläufe, Postausgang).")] = False,
                state: Annotated[list[str] | None, typer.Option("--advisor-state", help="Beratung: alle Kommunen eines Landes (z. B. TH).")] = None,
                ags: Annotated[list[str] | None, typer.Option("--advisor-ags", help="Beratung: eine Kommune.")] = None,
                language: Annotated[str, typer.Option("--language", help="de oder en.")] = "de",
                as_json: JsonOpt = False) -> None:
    """Zugang anlegen oder erweitern (Administration, Beratung)."""
    if language not in ("de", "en"):
        raise typer.BadParameter("de | en", param_hint="--language")
    app = ctx.obj
    account = app.door.accounts.add(email, name=name, admin=admin, advisor_states=state or [], advisor_ags=ags or [],
                                    language=language, lang=app.lang)  # type: ignore[arg-type]
    if as_json:
        print_json(account)
    else:
        typer.echo(t("web.account.added", app.lang, email=account.email))


def account_link(ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")],
                 mail: Annotated[bool, typer.Option("--mail", help="Den Link per E-Mail senden statt ihn zu zeigen.")] = False) -> None:
    """Einmal-Link zum Festlegen des Passworts."""
    from engine.errors import NotFound
    from engine.i18n import m

    app = ctx.obj
    base = app.settings.public_url or f"http://{app.settings.get('web', 'host')}:{app.settings.get('web', 'port')}"
    if mail:
        if not app.door.accounts.mail_link(email, base, app.lang):
            raise NotFound(m("account.unknown", app.lang, email=email))
        app.door.reminders.deliver()
        typer.echo(t("web.account.mailed", app.lang, email=email))
        return
    issued = app.door.accounts.issue_link(email, app.lang)
    if issued is None:
        raise NotFound(m("account.unknown", app.lang, email=email))
    typer.echo(f"{base}/passwort/{issued.token}")


def account_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Alle Zugänge."""
    from rich.table import Table

    app = ctx.obj
    accounts = app.door.accounts.list()
    if as_json:
        print_json(accounts)
        return
    table = Table(*(t(f"web.account.col.{c}", app.lang) for c in ("email", "name", "rights", "password")))
    for account in accounts:
        rights = ", ".join(([t("web.account.admin", app.lang)] if account.is_admin else [])
                           + account.advisor_states + account.advisor_ags)
        table.add_row(account.email, account.name, rights, "✓" if account.has_password else "–")
    console.print(table)


def account_remove(ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")]) -> None:
    """Zugang löschen (die Person bleibt eingetragen)."""
    app = ctx.obj
    app.door.accounts.remove(email, app.lang)
    typer.echo(t("web.account.removed", app.lang, email=email))


def register(app: typer.Typer) -> None:
    app.command("web")(web)
    accounts = group(help="Zugänge für Web und API.")
    accounts.command("add")(account_add)
    accounts.command("link")(account_link)
    accounts.command("list")(account_list)
    accounts.command("remove")(account_remove)
    app.add_typer(accounts, name="account")
