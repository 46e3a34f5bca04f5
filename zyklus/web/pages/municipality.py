"""*Kommune*: where the cycle stands, what is missing with the form that records it, the advance
and the deadline; *Verlauf*: the history, also as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine.errors import Conflict, InvalidInput, NotFound, TransitionRefused, ZyklusError
from engine.i18n import Language, m
from zyklus.app import commands as c
from zyklus.app.access import Action
from zyklus.app.dto import StatusDTO
from zyklus.web.context import (FieldTooLong, checked_form, door, field, language, line_feeds, render, said,
                                state, text_field)
from zyklus.web.pages.access import municipality_for
from zyklus.web.pages.forms import FieldRefused, cycle_number, read_at, web_day
from zyklus.web.i18n import gettext_for
from zyklus.web.pages.meetings import field_of

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]

def _timeline(request: Request, status: StatusDTO) -> list[dict[str, Any]]:
    """The cycle's plan as the engine dates it (the same due dates as `zyklus status` and the
    evaluation's timeline): each phase it entered, from the one it began in, beside when it did,
    then the phases ahead."""
    return door(request).cycles.plan(status.ags, language(request))


def _page(request: Request, ags: str, *, status_code: int = 200, **values: Any) -> Response:
    principal, municipality = municipality_for(request, ags)
    lang = language(request)
    app = door(request)
    try:
        status: StatusDTO | None = app.cycles.status(municipality.ags, lang)
    except NotFound:
        status = None
    history = app.cycles.history(municipality.ags, status.cycle, lang) if status else []
    timeline = _timeline(request, status) if status else []
    workflows = [w for w in app.workflows.list(lang) if w.valid] if status is None else []
    recent = history[-8:][::-1]
    meetings = [mt for mt in app.meetings.list(municipality.ags, lang) if status and mt.cycle == status.cycle]
    return render(request, "municipality.html.j2", status_code=status_code, municipality=municipality,
                  status=status, timeline=timeline, recent=recent, workflows=workflows, meetings=meetings,
                  today=app.today(),
                  default_workflow=state(request).settings.get("general", "default_workflow"),
                  can_record=principal.may(Action.RECORD, municipality.ags, municipality.state),
                  can_advance=principal.may(Action.ADVANCE, municipality.ags, municipality.state),
                  can_comment=principal.may(Action.COMMENT, municipality.ags, municipality.state), **values)


@router.get("/kommunen/{ags}")
def municipality_page(request: Request, ags: str) -> Response:
    return _page(request, ags)


def _fields_of(status: StatusDTO | None, fact: str) -> dict[str, str]:
    """The types of a fact's fields as the status lists them (to read dates typed the German way)."""
    for guard in status.unmet if status else []:
        if guard.fact == fact:
            return {spec.name: spec.type for spec in guard.fields}
    return {}


@router.post("/kommunen/{ags}/fakten/{fact}")
def record_fact(request: Request, ags: str, fact: str, form: Form) -> Response:
    """A fact of the running cycle; its dates (a date field, the day it happened) are read here,
    in either form a page takes, so a refusal names the input and what was typed."""
    principal, municipality = municipality_for(request, ags, Action.RECORD)
    lang = language(request)
    app = door(request)
    try:
        types = _fields_of(app.cycles.status(municipality.ags, lang), fact)
        values = {key[2:]: (_date_text(key, value, lang) if types.get(key[2:]) == "date" else line_feeds(value))
                  for key, value in form.multi_items()
                  if key.startswith("f_") and isinstance(value, str) and value.strip()}
        on = read_at("on", lambda: web_day(field(form, "on", 20), lang))
        app.cycles.record(c.RecordFact(ags=municipality.ags, fact=fact[:100], actor=principal.email, values=values,
                                       on=on), lang)
    except (ZyklusError, FieldRefused) as exc:
        refusal = exc.error if isinstance(exc, FieldRefused) else exc  # read_at ties an engine refusal
        return _page(request, ags, status_code=422, form_error={
            "fact": fact, "message": said(refusal, lang) if refusal is not None else "",
            "field": _fact_input(exc), "typed": dict(form.multi_items())})
    return RedirectResponse(f"/kommunen/{municipality.ags}?erfasst={fact[:100]}#fakt-{fact[:100]}", status_code=303)


def _date_text(key: str, value: str, lang: Language) -> str:
    """A date field of a fact as the engine's schema takes it (ISO), read as a page's date."""
    day = read_at(key, lambda: web_day(value, lang))
    return day.isoformat() if day else ""


def _fact_input(exc: ZyklusError | FieldRefused) -> str | None:
    """The input of a fact form a refusal is about (``f_topic``, ``on``); None: the form."""
    if isinstance(exc, (FieldRefused, FieldTooLong)):
        return exc.name
    if exc.code in ("field.missing", "field.bad_value"):
        return f"f_{exc.params.get('field')}"
    return None


@router.post("/kommunen/{ags}/zyklus")
def start_cycle(request: Request, ags: str, form: Form) -> Response:
    """The first cycle of a municipality (later ones the scheduler starts by itself)."""
    _principal, municipality = municipality_for(request, ags, Action.ADVANCE)
    lang = language(request)
    try:
        door(request).cycles.start(c.StartCycle(ags=municipality.ags, workflow=field(form, "workflow", 100) or None,
                                                on=web_day(field(form, "on", 20), lang)), lang)
    except ZyklusError as exc:
        return _page(request, ags, status_code=422, start_error=said(exc, lang))
    return RedirectResponse(f"/kommunen/{municipality.ags}?begonnen=1", status_code=303)


@router.post("/kommunen/{ags}/weiter")
def advance(request: Request, ags: str, form: Form) -> Response:
    """A refused advance shows what is missing; one that lost a race shows the fresh state."""
    principal, municipality = municipality_for(request, ags, Action.ADVANCE)
    lang = language(request)
    on, reason = field(form, "on", 20), text_field(form, "reason").strip()
    try:
        done = door(request).cycles.advance(
            c.Advance(ags=municipality.ags, actor=principal.email, on=web_day(on, lang),
                      reason=reason or None, expected=field(form, "from", 100) or None), lang)
    except Conflict as exc:
        return _page(request, ags, status_code=409, advance_error=said(exc, lang), conflict=True)
    except TransitionRefused as exc:  # its message ends "… es fehlt:": the unmet conditions follow
        return _page(request, ags, status_code=409, advance_error=said(exc, lang), reason=reason,
                     advance_unmet=[guard.message for guard in exc.unmet])
    except ZyklusError as exc:
        return _page(request, ags, status_code=409 if exc.exit_code == 3 else 422,
                     advance_error=said(exc, lang), reason=reason, advance_on=on,
                     advance_field="on" if (exc.code or "").startswith("date.") else None)
    warned = "&warnungen=1" if done.warnings else ""
    return RedirectResponse(f"/kommunen/{municipality.ags}?weiter={done.dest}{warned}", status_code=303)


@router.post("/kommunen/{ags}/frist")
def set_deadline(request: Request, ags: str, form: Form) -> Response:
    principal, municipality = municipality_for(request, ags, Action.ADVANCE)
    lang = language(request)
    try:
        due = web_day(field(form, "due", 20), lang, "")
        if not due:
            raise InvalidInput(m("text.empty", lang, field=gettext_for(lang)[0]("web.municipality.new_due")))
        door(request).cycles.set_deadline(c.SetDeadline(ags=municipality.ags, due=due, actor=principal.email,
                                                        reason=field(form, "reason")), lang)
    except ZyklusError as exc:
        return _page(request, ags, status_code=422, deadline_error=said(exc, lang))
    return RedirectResponse(f"/kommunen/{municipality.ags}?frist=1#frist", status_code=303)


@router.post("/kommunen/{ags}/kommentar")
def comment(request: Request, ags: str, form: Form) -> Response:
    """An advisor's (or the core team's) remark, kept in the history with who and when."""
    principal, municipality = municipality_for(request, ags, Action.COMMENT)
    lang = language(request)
    text = text_field(form, "text")
    try:
        door(request).cycles.comment(c.Comment(ags=municipality.ags, actor=principal.email, text=text), lang)
    except ZyklusError as exc:
        return _page(request, ags, status_code=422, comment_error=said(exc, lang), comment_text=text)
    return RedirectResponse(f"/kommunen/{municipality.ags}?kommentiert=1#kommentar", status_code=303)


# -- Sitzungen ----------------------------------------------------------------------------------------
@router.post("/kommunen/{ags}/sitzungen")
def add_meeting(request: Request, ags: str, form: Form) -> Response:
    """A meeting planned from the page; its members' invitations go out with the next delivery."""
    principal, municipality = municipality_for(request, ags, Action.ADVANCE)
    lang = language(request)
    try:
        from engine import validate

        starts_at = validate.local_moment(field(form, "starts_at", 20), lang)
        door(request).meetings.add(c.AddMeeting(ags=municipality.ags, actor=principal.email,
                                                group=field(form, "group", 20), starts_at=starts_at,
                                                place=field(form, "place"),
                                                agenda=text_field(form, "agenda")),
                                   lang)
    except ZyklusError as exc:
        return _page(request, ags, status_code=422, meeting_error=said(exc, lang), meeting_typed=dict(form.items()),
                     meeting_field=field_of(exc, lang) or "starts_at")
    return RedirectResponse(f"/kommunen/{municipality.ags}?sitzung=1#sitzungen", status_code=303)


# -- Verlauf ----------------------------------------------------------------------------------------
HISTORY_COLUMNS = ("cycle", "seq", "at", "on", "actor", "kind", "trigger", "from", "to", "from_label", "to_label",
                   "fact_label", "reason")


def _history(request: Request, ags: str, cycle: int | None) -> tuple[Any, list[Any]]:
    _principal, municipality = municipality_for(request, ags)
    lang = language(request)
    return municipality, door(request).cycles.history(municipality.ags, cycle_number(cycle, municipality.ags, lang),
                                                      lang)


@router.get("/kommunen/{ags}/verlauf")
def history_page(request: Request, ags: str, zyklus: int | None = None) -> Response:
    municipality, entries = _history(request, ags, zyklus)
    cycles = door(request).cycles.cycles(municipality.ags, language(request))
    return render(request, "history.html.j2", municipality=municipality, entries=entries, cycles=cycles,
                  chosen=zyklus)


@router.get("/kommunen/{ags}/verlauf.json")
def history_json(request: Request, ags: str, zyklus: int | None = None) -> Response:
    municipality, entries = _history(request, ags, zyklus)
    body = json.dumps([entry.as_json() for entry in entries], ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="verlauf-{municipality.ags}.json"'})


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet will not run: text starting with = + - @ (or a tab or CR) is prefixed
    with an apostrophe (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV text of ``rows`` line by line, after the byte order mark that tells spreadsheet
    programs it is UTF-8: a long export can be streamed as it is read."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # the separator German spreadsheet programs expect
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(rows: list[list[Any]], filename: str) -> Response:
    return Response("".join(csv_lines(rows)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/kommunen/{ags}/verlauf.csv")
def history_csv(request: Request, ags: str, zyklus: int | None = None) -> Response:
    municipality, entries = _history(request, ags, zyklus)
    rows = [list(HISTORY_COLUMNS)]
    for entry in entries:
        data = entry.as_json()
        rows.append([data.get(column) for column in HISTORY_COLUMNS])
    return csv_response(rows, f"verlauf-{municipality.ags}.csv")
