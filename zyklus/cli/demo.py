"""`zyklus demo`: one municipality's whole cycle in simulated time, on a throwaway database.

It drives the same door — service, planner, sweep and SMTP delivery — a real installation uses,
built by the same composition root; only the clock is simulated and the mail server is an in-process aiosmtpd on 127.0.0.1, so a fresh
machine needs nothing but Python to watch reminders arrive.
"""

from __future__ import annotations

import datetime as dt
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from engine.i18n import format_date
from zyklus.cli.common import commands, console

if TYPE_CHECKING:
    from zyklus.app import Application

AGS = "16099001"
DEMO_PROGRAMME = {  # theme field: Leitlinie, strategic goal, operative goal, measure, its costs in euros
    "Klima": ("Klimaneutrale Stadt 2040", "Emissionen halbieren", "20 MW Photovoltaik", "PV auf Schuldächern",
              450000.0),
    "Mobilität": ("Mobilität für alle", "Umweltverbund stärken", "Radverkehrsanteil 25 %", "Radwegenetz schließen",
                  1200000.0),
    "Bildung": ("Bildung für nachhaltige Entwicklung", "BNE in allen Schulen", "20 Schulprojekte",
                "Klimaschulen-Programm", 60000.0),
    "Beschaffung": ("Faire Beschaffung", "Kriterien in allen Ausschreibungen", "50 % fair beschafft",
                    "Dienstanweisung Beschaffung", 15000.0),
    "Globale Verantwortung": ("Partnerschaft auf Augenhöhe", "Kommunalpartnerschaft ausbauen",
                              "Zwei gemeinsame Projekte", "Projektfonds Partnerschaft", 40000.0),
}
TZ = ZoneInfo("Europe/Berlin")
CO1, CO2 = "koordination@musterstadt.example", "stellvertretung@musterstadt.example"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """aiosmtpd handler: collects what arrives over SMTP."""

    mails: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 (aiosmtpd signature)
        import email  # here: the email package's policies are a tenth of every command's start
        import email.policy
        from email.header import decode_header, make_header

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(make_header(decode_header(message["Subject"] or "")))
        for rcpt in envelope.rcpt_tos:
            self.mails.append((rcpt, subject))
        return "250 OK"


class Demo:
    def __init__(self, workdir: Path, console: Console, lang: str) -> None:
        from aiosmtpd.controller import Controller

        from engine.clock import FixedClock
        from zyklus.bootstrap import bootstrap, local_relay
        from zyklus.config import load_settings

        self.console = console
        self.lang = lang
        self.inbox = Inbox()
        port = _free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)
        self.controller.start()
        self.clock = FixedClock(dt.datetime(2027, 1, 11, 9, 0, tzinfo=TZ))
        settings = load_settings(None, lang)  # defaults (or ./config.toml) for hours, retries, templates
        self.door = bootstrap(settings, self.clock, db_url=f"sqlite:///{workdir / 'demo.db'}", lang=lang,
                              require_schema=False, transport=local_relay(port))
        self.door.init_database()
        self.seen = 0

    def close(self) -> None:
        self.door.close()
        self.controller.stop()

    # -- narration --------------------------------------------------------------------------------
    def on(self, day: dt.date) -> None:
        """Travel to 09:00 on ``day``, run the sweep as the scheduler would, show arrivals."""
        self.clock.moment = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
        self.door.reminders.sweep()
        for rcpt, subject in self.inbox.mails[self.seen:]:
            self.line(day, "✉", f"{subject} [dim]→ {rcpt}[/dim]")
        self.seen = len(self.inbox.mails)

    def line(self, day: dt.date, mark: str, text: str) -> None:
        self.console.print(f"[cyan]{format_date(day, self.lang)}[/cyan]  {mark} {text}", soft_wrap=True)

    def record(self, day: dt.date, fact: str, **values: str) -> None:
        self.on(day)
        result = self.door.cycles.record(commands().RecordFact(ags=AGS, fact=fact, actor=CO1, values=values, on=day), self.lang)
        self.line(day, "📝", escape(result.label))

    def plan(self, day: dt.date, themes: dict[str, tuple[str, str, str, str, float]]) -> None:
        """The action programme as its tree: per theme field a Leitlinie, a strategic and an
        operative goal and a measure with its costs (what the variant's structure guard asks for)."""
        self.on(day)
        programme = self.door.programme
        for n, (theme, (guideline, strategic, operative, measure, costs)) in enumerate(themes.items(), 1):
            programme.add_goal(AGS, f"ll-{n}", title=guideline, theme_field=theme, level="guideline", actor=CO1)
            programme.add_goal(AGS, f"sz-{n}", title=strategic, parent=f"ll-{n}", actor=CO1)
            programme.add_goal(AGS, f"oz-{n}", title=operative, level="operative", parent=f"sz-{n}",
                               target_year=2030, actor=CO1)
            programme.add_measure(AGS, f"m-{n}", title=measure, goal=f"oz-{n}", costs=costs, actor=CO1)
        word = "Handlungsprogramm: Leitlinien, Ziele und Maßnahmen für" if self.lang == "de" else \
            "Action programme: guidelines, goals and measures for"
        self.line(day, "🌳", escape(f"{word} {', '.join(themes)}"))

    def advance(self, day: dt.date) -> None:
        from engine.errors import TransitionRefused

        self.on(day)
        try:
            result = self.door.cycles.advance(commands().Advance(ags=AGS, actor=CO1, on=day), self.lang)
        except TransitionRefused as refused:  # workflow labels are an administrator's text: never markup
            self.line(day, "[red]✗[/red]", f"[red]{escape(refused.message)}[/red]")
            for guard in refused.unmet:
                self.console.print(f"              [red]– {escape(guard.message)}[/red]")
            return
        self.line(day, "[green]→[/green]", f"[bold]{escape(result.source_label)} → {escape(result.dest_label)}[/bold]")
        for warning in result.warnings:
            self.console.print(f"              [yellow]! {escape(warning.message)}[/yellow]")
        if result.next_cycle:
            word = "Zyklus" if self.lang == "de" else "Cycle"
            self.line(day, "[green]↻[/green]",
                      f"[bold]{word} {result.next_cycle}: {escape(result.next_phase_label or '')}[/bold]")
        self.on(day)  # the scheduler's next tick: the new phase's mail goes out at once

    # -- the story --------------------------------------------------------------------------------
    def run(self) -> None:
        cycles, d = self.door.cycles, dt.date
        de = self.lang == "de"
        cycles.add_municipality(commands().AddMunicipality(ags=AGS, name="Musterstadt", state="TH", kind="stadt"))
        people = [("Clara Koordinatorin", CO1, "coordination"), ("David Stellvertreter", CO2, "coordination")]
        people += [(f"Kernteam {i}", f"kernteam{i}@musterstadt.example", "core_team") for i in range(1, 5)]
        people += [(f"Steuerungsgruppe {i}", f"sg{i}@musterstadt.example", "steering_group") for i in range(1, 11)]
        people += [("Büro des Oberbürgermeisters", "ob-buero@musterstadt.example", "mayor_office")]
        for name, address, role in people:
            cycles.add_person(commands().AddPerson(ags=AGS, name=name, email=address, roles=[role]))
        self.console.rule("Musterstadt (AGS 16099001) · Global Nachhaltige Kommune Thüringen")
        cycles.start(commands().StartCycle(ags=AGS, workflow="gnk-thueringen", on=d(2027, 1, 11)))
        self.line(d(2027, 1, 11), "▶", "Zyklus 1 beginnt" if de else "Cycle 1 begins")
        self.on(d(2027, 1, 11))
        self.record(d(2027, 1, 20), "application", date="2027-01-20")
        self.record(d(2027, 2, 3), "letter_of_intent", signed_by="Oberbürgermeisterin", date="2027-02-03")
        self.on(d(2027, 3, 4))
        self.record(d(2027, 3, 18), "participation_resolution", date="2027-03-18", body="Stadtrat",
                    reference="DS 0112/27", result="adopted")
        self.advance(d(2027, 3, 22))
        self.record(d(2027, 4, 12), "public_information", channel="Pressemitteilung und Bürgerversammlung")
        self.advance(d(2027, 5, 3))
        self.on(d(2027, 10, 4))
        self.record(d(2027, 10, 25), "inventory_report", title="Bestandsaufnahme Musterstadt 2027",
                    theme_fields="Klima, Mobilität, Bildung, Beschaffung, Globale Verantwortung")
        self.advance(d(2027, 11, 2))
        for i, day in enumerate((d(2028, 1, 19), d(2028, 3, 22), d(2028, 5, 24), d(2028, 7, 5)), start=1):
            self.record(day, "workshop", topic=f"Workshop {i} der Steuerungsgruppe", participants="19")
        self.plan(d(2028, 8, 28), DEMO_PROGRAMME)
        self.record(d(2028, 8, 30), "action_programme", title="Handlungsprogramm Musterstadt 2028",
                    guidelines="5 Leitlinien", strategic_goals="12", operative_goals="31", measures="48",
                    resources="Haushaltsplan 2029/30", indicators="24 SDG-Indikatoren")
        self.advance(d(2028, 9, 4))
        self.console.print("[dim]              " + ("Ohne Ratsbeschluss keine Umsetzung:" if de else
                                                    "No implementation without a council resolution:") + "[/dim]")
        self.advance(d(2028, 10, 9))
        self.record(d(2028, 10, 26), "council_resolution", date="2028-10-26", body="Stadtrat",
                    reference="DS 0371/28", result="deferred")
        self.advance(d(2028, 10, 27))  # a deferred paper opens nothing: „vertagt am 26.10.2028“
        self.record(d(2028, 11, 23), "council_resolution", date="2028-11-23", body="Stadtrat",
                    reference="DS 0371/28", result="adopted_amended", committees="Umweltausschuss; Hauptausschuss")
        self.advance(d(2028, 11, 27))
        self.on(d(2029, 2, 20))
        self.record(d(2029, 11, 30), "monitoring_report", period="2029")
        self.advance(d(2030, 11, 4))
        self.record(d(2031, 2, 10), "evaluation", summary="18 von 24 Indikatoren auf Kurs")
        self.record(d(2031, 3, 31), "report_published", date="2031-03-31", where="Amtsblatt und Website",
                    url="https://musterstadt.example/nachhaltigkeitsbericht-2031")
        self.advance(d(2031, 4, 7))
        self.on(d(2031, 4, 8))
        self.summary()

    def summary(self) -> None:
        de = self.lang == "de"
        self.console.rule("Ergebnis" if de else "Result")
        table = Table("Zyklus" if de else "Cycle", "Workflow", "Phase", "Beginn" if de else "Start",
                      "Abschluss" if de else "Completed")
        for row in self.door.cycles.cycles(AGS, self.lang):
            table.add_row(str(row.number), f"{row.workflow} {row.version}", row.phase_label,
                          format_date(row.started_on, self.lang), format_date(row.completed_on, self.lang))
        self.console.print(table, markup=False)
        status = self.door.cycles.status(AGS, self.lang)
        self.console.print(("Jetzt: " if de else "Now: ") + f"{escape(status.phase_label)}, "
                           + ("fällig am " if de else "due on ") + format_date(status.due_on, self.lang))
        history = self.door.cycles.history(AGS, lang=self.lang)
        self.console.print((f"{len(history)} Einträge im Verlauf, {len(self.inbox.mails)} E-Mails über SMTP "
                            "zugestellt.") if de else
                           (f"{len(history)} history entries, {len(self.inbox.mails)} mails delivered over SMTP."))


def demo(ctx: typer.Context) -> None:
    """Ein ganzer Zyklus einer Beispielkommune in simulierter Zeit."""
    lang = ctx.obj.lang if ctx.obj else "de"
    with tempfile.TemporaryDirectory(prefix="zyklus-demo-") as workdir:
        demo_run = Demo(Path(workdir), console, lang)
        try:
            demo_run.run()
        finally:
            demo_run.close()


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


DEMO_PASSWORD = "demo-passwort"
"""The password of the demo's accounts (`zyklus web --demo`); the database is thrown away."""
ADVISOR, ADMIN = "beratung@zukunftsfaehiges-thueringen.example", "admin@musterstadt.example"


def web_demo(ctx) -> tuple["Application", list[tuple[str, str]]]:  # noqa: ANN001 (the CLI's AppContext)
    """Run the demo, add two municipalities in earlier phases and accounts for a coordinator, an
    advisor and an administrator, and leave it all running for the web app. The folder is
    removed when the process ends."""
    import atexit
    import shutil

    workdir = Path(tempfile.mkdtemp(prefix="zyklus-web-demo-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    demo_run = Demo(workdir, console, ctx.lang)
    atexit.register(demo_run.controller.stop)
    demo_run.run()
    door, c = demo_run.door, commands()
    for ags, name, started, coordinator in (("16099002", "Beispielgemeinde", dt.date(2030, 9, 1), "koordination@beispielgemeinde.example"),
                                            ("16099003", "Landkreis Muster", dt.date(2029, 6, 1), "nachhaltigkeit@landkreis-muster.example")):
        door.cycles.add_municipality(c.AddMunicipality(ags=ags, name=name, state="TH",
                                                       kind="landkreis" if ags.endswith("3") else "gemeinde"))
        door.cycles.add_person(c.AddPerson(ags=ags, name=f"Koordination {name}", email=coordinator, roles=["coordination"]))
        door.cycles.start(c.StartCycle(ags=ags, workflow="gnk-thueringen", on=started))
    door.cycles.record(c.RecordFact(ags="16099003", fact="application", actor="nachhaltigkeit@landkreis-muster.example",
                                    values={"date": "2029-06-10"}, on=dt.date(2029, 6, 10)))
    door.accounts.add(ADVISOR, name="Beratung Zukunftsfähiges Thüringen", advisor_states=["TH"])
    door.accounts.add(ADMIN, name="Administration", admin=True)
    for address in (CO1, ADVISOR, ADMIN):
        issued = door.accounts.issue_link(address)
        assert issued is not None
        door.accounts.set_password(issued.token, DEMO_PASSWORD)
    de = ctx.lang == "de"
    return door, [(CO1, "Koordination Musterstadt" if de else "coordinator of Musterstadt"),
                  (ADVISOR, "Beratung (alle Kommunen in TH)" if de else "advisor (every municipality in TH)"),
                  (ADMIN, "Administration" if de else "administrator")]
