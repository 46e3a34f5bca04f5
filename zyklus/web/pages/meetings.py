"""*Sitzung*: one meeting of a working structure (when, where, the agenda, how many were invited
and who came, minutes and results, its history) with the coordination's forms to change it,
cancel it and record what happened.

Everyone who may read the municipality reads the page. The forms follow the rules of
`zyklus meeting` (engine/meetings.py): only the coordination plans, changes, cancels and records
meetings, so they are shown to, and accepted from, those who may advance the cycle. A refused
form comes back with what was typed and the message at the field it is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine import validate
from engine.errors import InvalidInput, NotFound, PermissionDenied, ZyklusError
from engine.i18n import Language, m, t
from zyklus.app import Application
from zyklus.app import commands as c
from zyklus.app.access import Action, Principal
from zyklus.app.dto import MeetingDTO, MunicipalityDTO
from zyklus.web.context import checked_form, door, field, language, render, text_field, said
from zyklus.web.pages.access import municipality_for
from zyklus.web.problems import status_of

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
MeetingId = Annotated[int, Path(ge=1, le=2**62)]
"""A meeting id the database can hold: anything else is not found before a query."""
_DIGITS = re.compile(r"[0-9]+")

_FIELD_BY_CODE = {"meeting.when_invalid": "starts_at", "date.range": "starts_at", "time.skipped": "starts_at",
                  "meeting.duration_invalid": "duration", "meeting.count_invalid": "count",
                  "meeting.count_below_people": "count", "meeting.not_yet": "count", "person.unknown": "people"}
_FIELD_BY_LABEL = {"meeting.field.place": "place", "meeting.field.agenda": "agenda",
                   "meeting.field.minutes": "minutes", "meeting.field.results": "results",
                   "meeting.field.cancel_reason": "reason"}
"""The engine names the field of a text refusal by its label (``text.empty`` and the others)."""


def field_of(exc: ZyklusError, lang: Language) -> str | None:
    """Which input of a meeting form a refusal is about; None: the form as a whole (a cancelled
    meeting, nothing changed, an actor who is no coordinator)."""
    if isinstance(exc, PermissionDenied):
        return None
    code = exc.code or ""
    if code in _FIELD_BY_CODE:
        return _FIELD_BY_CODE[code]
    if code.startswith("email."):
        return "people"
    if code.startswith("text."):
        label = exc.params.get("field")
        return next((name for key, name in _FIELD_BY_LABEL.items() if t(key, lang) == label), None)
    return None


def meeting_for(request: Request, ags: str, meeting_id: int,
                action: Action = Action.READ) -> tuple[Principal, MunicipalityDTO, MeetingDTO]:
    """The meeting, if it belongs to a municipality the principal may do ``action`` in; another
    municipality's meeting is answered like one that does not exist."""
    principal, municipality = municipality_for(request, ags, action)
    lang = language(request)
    meeting = door(request).meetings.get(meeting_id, lang)
    if meeting.ags != municipality.ags:
        raise NotFound(m("meeting.unknown", lang, id=meeting_id))
    return principal, municipality, meeting


def _page(request: Request, ags: str, meeting_id: int, *, status_code: int = 200,
          failed: dict[str, Any] | None = None) -> Response:
    principal, municipality, meeting = meeting_for(request, ags, meeting_id)
    lang = language(request)
    app = door(request)
    can_change = principal.may(Action.ADVANCE, municipality.ags, municipality.state)
    history = [entry for entry in app.cycles.history(municipality.ags, meeting.cycle, lang)
               if entry.kind == "meeting" and entry.details.get("meeting") == meeting.id]
    return render(request, "meeting.html.j2", status_code=status_code, municipality=municipality, meeting=meeting,
                  can_change=can_change, people=app.cycles.people(municipality.ags, lang) if can_change else [],
                  history=history[::-1], today=app.today(), failed=failed)


@router.get("/kommunen/{ags}/sitzungen/{meeting_id}")
def meeting_page(request: Request, ags: str, meeting_id: MeetingId) -> Response:
    return _page(request, ags, meeting_id)


Change = Callable[[Application, Principal, MeetingDTO, FormData, Language], object]


def _act(request: Request, ags: str, meeting_id: int, form: FormData, name: str, change: Change) -> Response:
    """One form of the page: ``change`` calls the door; a refusal shows the page again (nothing
    was written), a success goes back to the page at the form's section."""
    principal, municipality, meeting = meeting_for(request, ags, meeting_id, Action.ADVANCE)
    lang = language(request)
    try:
        change(door(request), principal, meeting, form, lang)
    except ZyklusError as exc:
        typed = {key: value for key, value in form.multi_items() if key not in ("csrf", "people")}
        return _page(request, ags, meeting_id, status_code=status_of(exc),
                     failed={"form": name, "field": field_of(exc, lang), "message": said(exc, lang),
                             "typed": {**typed, "people": form.getlist("people")}})
    return RedirectResponse(f"/kommunen/{municipality.ags}/sitzungen/{meeting.id}?erledigt={name}#{name}",
                            status_code=303)


def _change(app: Application, principal: Principal, meeting: MeetingDTO, form: FormData, lang: Language) -> None:
    """The form sends every field; only what differs from the meeting is a change, so the members
    get an update only for a real one (and "nothing to change" otherwise)."""
    starts_at = validate.local_moment(field(form, "starts_at", 40), lang)
    duration = field(form, "duration", 40).strip()
    if not _DIGITS.fullmatch(duration):  # not isdigit(): "²" is a digit int() cannot read
        raise InvalidInput(m("meeting.duration_invalid", lang, value=duration))
    place, agenda = field(form, "place"), text_field(form, "agenda")
    changes: dict[str, Any] = {}
    if starts_at != meeting.starts_at.replace(tzinfo=None):
        changes["starts_at"] = starts_at
    if int(duration) != meeting.duration_minutes:
        changes["duration_minutes"] = int(duration)
    if place.strip() != meeting.place:
        changes["place"] = place
    if agenda.strip() != meeting.agenda:
        changes["agenda"] = agenda
    app.meetings.change(c.ChangeMeeting(id=meeting.id, actor=principal.email, **changes), lang)


def _cancel(app: Application, principal: Principal, meeting: MeetingDTO, form: FormData, lang: Language) -> None:
    app.meetings.cancel(c.CancelMeeting(id=meeting.id, actor=principal.email, reason=field(form, "reason")),
                        lang)


def _attend(app: Application, principal: Principal, meeting: MeetingDTO, form: FormData, lang: Language) -> None:
    count = field(form, "count", 40).strip()
    if not _DIGITS.fullmatch(count):
        raise InvalidInput(m("meeting.count_invalid", lang, value=count, limit=10_000))
    people = [value for value in form.getlist("people") if isinstance(value, str)][:1000]
    app.meetings.attend(c.RecordAttendance(id=meeting.id, actor=principal.email, count=int(count), people=people),
                        lang)


def _minutes(app: Application, principal: Principal, meeting: MeetingDTO, form: FormData, lang: Language) -> None:
    app.meetings.minutes(c.RecordMinutes(id=meeting.id, actor=principal.email, reference=field(form, "minutes")),
                         lang)


def _results(app: Application, principal: Principal, meeting: MeetingDTO, form: FormData, lang: Language) -> None:
    app.meetings.results(c.RecordResults(id=meeting.id, actor=principal.email,
                                         text=text_field(form, "results")), lang)


FORMS: dict[str, Change] = {"aendern": _change, "absagen": _cancel, "teilnahme": _attend, "protokoll": _minutes,
                            "ergebnisse": _results}
"""The page's forms: each posts to the meeting's URL with its name (also its section's id)."""


def _endpoint(name: str, change: Change) -> Callable[..., Response]:
    def endpoint(request: Request, ags: str, meeting_id: MeetingId, form: Form) -> Response:
        return _act(request, ags, meeting_id, form, name, change)

    endpoint.__name__ = f"meeting_{name}"
    return endpoint


for _name, _change_it in FORMS.items():
    router.add_api_route(f"/kommunen/{{ags}}/sitzungen/{{meeting_id}}/{_name}", _endpoint(_name, _change_it),
                         methods=["POST"])
