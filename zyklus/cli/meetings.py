"""`zyklus meeting`: meetings of the working structures (plan, change, cancel, list, attendance,
minutes, results). Parses what was typed, calls the door (zyklus.app.meetings), prints its DTOs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from engine.i18n import format_date, t
from zyklus.cli.common import AsOpt, JsonOpt, commands, console, print_json
from zyklus.cli.groups import group

if TYPE_CHECKING:
    import datetime as dt

    from zyklus.app.dto import MeetingDTO

meeting_app = group(help="Sitzungen der Arbeitsstrukturen.")

IdArg = Annotated[int, typer.Argument(help="Nummer der Sitzung (zyklus meeting list AGS).")]
WhenOpt = Annotated[Optional[str], typer.Option("--on", help="Beginn, Ortszeit: 2027-05-03T17:00.")]
PlaceOpt = Annotated[Optional[str], typer.Option("--place", help="Ort.")]
AgendaOpt = Annotated[Optional[str], typer.Option("--agenda", help="Tagesordnung (mehrzeilig möglich).")]
DurationOpt = Annotated[Optional[int], typer.Option("--duration", help="Dauer in Minuten (Standard 120).")]


def _when(value: str | None, lang: str) -> dt.datetime | None:
    from engine import validate

    return validate.local_moment(value, lang) if value is not None else None  # type: ignore[arg-type]


def _say(app, meeting: MeetingDTO, as_json: bool, key: str, **params: object) -> None:  # noqa: ANN001
    if as_json:
        print_json(meeting)
        return
    typer.echo(t(key, app.lang, id=meeting.id, **params))


@meeting_app.command("add")
def meeting_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    actor: AsOpt,
    group: Annotated[str, typer.Option("--group", help="coordination, core_team oder steering_group.")],
    on: Annotated[str, typer.Option("--on", help="Beginn, Ortszeit: 2027-05-03T17:00.")],
    place: Annotated[str, typer.Option("--place", help="Ort.")],
    agenda: Annotated[str, typer.Option("--agenda", help="Tagesordnung (mehrzeilig möglich).")],
    duration: Annotated[int, typer.Option("--duration", help="Dauer in Minuten.")] = 120,
    as_json: JsonOpt = False,
) -> None:
    """Eine Sitzung planen und die Mitglieder einladen."""
    app = ctx.obj
    meeting = app.door.meetings.add(commands().AddMeeting(
        ags=ags, actor=actor, group=group, starts_at=_when(on, app.lang), place=place, agenda=agenda,
        duration_minutes=duration), app.lang)
    _say(app, meeting, as_json, "meeting.added", group=meeting.group_label,
         date=format_date(meeting.starts_at.date(), app.lang), time=meeting.starts_at.strftime("%H:%M"),
         invited=meeting.invited)


@meeting_app.command("list")
def meeting_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Die Sitzungen einer Kommune."""
    app = ctx.obj
    rows = app.door.meetings.list(ags, app.lang)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(t("meeting.none", app.lang, ags=ags))
        return
    table = Table(*(t(k, app.lang) for k in ("col.meeting", "col.when", "col.group", "col.place", "col.status",
                                               "col.attendance")))
    for meeting in rows:
        when = f"{format_date(meeting.starts_at.date(), app.lang)} {meeting.starts_at:%H:%M}"
        table.add_row(str(meeting.id), when, meeting.group_label, meeting.place, meeting.status_label,
                      "" if meeting.attendance is None else str(meeting.attendance))
    console.print(table, markup=False)  # places are what people typed


@meeting_app.command("change")
def meeting_change(ctx: typer.Context, meeting_id: IdArg, actor: AsOpt, on: WhenOpt = None, place: PlaceOpt = None,
                   agenda: AgendaOpt = None, duration: DurationOpt = None, as_json: JsonOpt = False) -> None:
    """Termin, Ort oder Tagesordnung ändern; die Mitglieder erhalten eine Aktualisierung."""
    app = ctx.obj
    meeting = app.door.meetings.change(commands().ChangeMeeting(
        id=meeting_id, actor=actor, starts_at=_when(on, app.lang), place=place, agenda=agenda,
        duration_minutes=duration), app.lang)
    _say(app, meeting, as_json, "meeting.changed")


@meeting_app.command("cancel")
def meeting_cancel(
    ctx: typer.Context,
    meeting_id: IdArg,
    actor: AsOpt,
    reason: Annotated[str | None, typer.Option("--reason", help="Grund der Absage (steht in der Absage).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Eine Sitzung absagen; die Mitglieder erhalten die Absage."""
    app = ctx.obj
    meeting = app.door.meetings.cancel(commands().CancelMeeting(id=meeting_id, actor=actor, reason=reason), app.lang)
    _say(app, meeting, as_json, "meeting.cancelled_done")


@meeting_app.command("attend")
def meeting_attend(
    ctx: typer.Context,
    meeting_id: IdArg,
    actor: AsOpt,
    count: Annotated[int, typer.Option("--count", help="Wie viele teilgenommen haben.")],
    person: Annotated[list[str], typer.Option("--person", help="E-Mail einer registrierten Person, mehrfach.")] = [],  # noqa: B006
    as_json: JsonOpt = False,
) -> None:
    """Die Teilnahme erfassen (Namen nur mit Einwilligung)."""
    app = ctx.obj
    meeting = app.door.meetings.attend(commands().RecordAttendance(id=meeting_id, actor=actor, count=count,
                                                                   people=person), app.lang)
    _say(app, meeting, as_json, "meeting.attendance_done", count=meeting.attendance)


@meeting_app.command("minutes")
def meeting_minutes(
    ctx: typer.Context,
    meeting_id: IdArg,
    actor: AsOpt,
    url: Annotated[Optional[str], typer.Option("--url", help="Link zum Protokoll.")] = None,
    file: Annotated[Optional[str], typer.Option("--file", help="Ablageort des Protokolls (Akte, Pfad).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Das Protokoll als Link oder Ablageort erfassen."""
    from engine.errors import InvalidInput
    from engine.i18n import m

    app = ctx.obj
    if (url is None) == (file is None):
        raise InvalidInput(m("meeting.minutes_or_file", app.lang))
    meeting = app.door.meetings.minutes(commands().RecordMinutes(id=meeting_id, actor=actor,
                                                                 reference=url if url is not None else file),
                                        app.lang)
    _say(app, meeting, as_json, "meeting.minutes_done")


@meeting_app.command("results")
def meeting_results(
    ctx: typer.Context,
    meeting_id: IdArg,
    actor: AsOpt,
    text: Annotated[str, typer.Option("--text", help="Die Ergebnisse der Sitzung.")],
    as_json: JsonOpt = False,
) -> None:
    """Die Ergebnisse erfassen."""
    app = ctx.obj
    meeting = app.door.meetings.results(commands().RecordResults(id=meeting_id, actor=actor, text=text), app.lang)
    _say(app, meeting, as_json, "meeting.results_done")


def register(app: typer.Typer) -> None:
    app.add_typer(meeting_app, name="meeting")
