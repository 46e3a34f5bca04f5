"""*Programmdurchläufe*: the programme runs an advisor accompanies (an administrator sees every
run): per run the participants with their phase, due date, days overdue and open conditions, the
network conferences with their attendance, the advisors and the label with its checklist.

Who may change what follows zyklus.app.access (:class:`RunAction`): the run's advisors keep its
conferences and their attendance; administrators add runs and keep who takes part, who advises
and the label. A run the person may not see is answered like one that does not exist, as for
municipalities. Every form goes through the door, the same calls as `zyklus run …`; a refusal
shows the page again with the message at its field and what was typed, nothing changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine import typed_input as typed
from engine.errors import ZyklusError
from engine.i18n import Language
from engine.validate import STATES
from engine.workflow_view import format_duration
from zyklus.app import Application
from zyklus.app import commands as c
from zyklus.app.access import Principal, RunAction
from zyklus.app.dto import AwardResultDTO, RunDTO
from zyklus.web.context import FieldTooLong, checked_form, door, field, language, peek, render, said, signed_in
from zyklus.web.pages.access import admin
from zyklus.web.pages.forms import FieldRefused, form_date, read_at, web_day

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
DEFAULT_WORKFLOW = "gnk-thueringen"
"""The variant a new run follows unless another is chosen (as `zyklus run add`); the form's hint
shows its conference plan."""
NEW_RUN = "neuer-durchgang"
"""The id of the form that adds a run (on the list of runs)."""

FIELD_OF_CODE = {
    "run.slug_invalid": "run", "run.exists": "run", "state.invalid": "state", "workflow.unknown": "workflow",
    "run.ends_before_start": "ends_on", "run.plan_needs_start": "starts_on",
    "municipality.unknown": "ags", "ags.invalid": "ags", "run.already_in": "ags", "run.not_participating": "ags",
    "run.leave_before_join": "on", "run.award_before_start": "on", "run.join_before_start": "on",
    "run.join_other_state": "ags",
    "account.unknown": "email", "run.advisor_exists": "email", "run.event_key_invalid": "event",
    "run.attendance_count": "count",
}
"""Which input an engine refusal is about, so its message sits at that field; a text rule
(``text.empty`` …) names its field itself, and a refusal of none stays at the top of its form."""


def _on(form: FormData, lang: Language) -> dt.date | None:
    """The day a form of a run is about (joining, leaving, a conference, the award): required."""
    return form_date(form, "on", lang, missing="web.runs.date_missing")


def _count(form: FormData, lang: Language) -> int:
    value = read_at("count", lambda: typed.whole(field(form, "count", 20), lang))
    if not isinstance(value, int):
        raise FieldRefused("count", message_key="web.runs.count_missing")
    return value


@dataclass(frozen=True)
class Change:
    """One form of a run's page: who may send it, what it does through the door (returning the
    anchor to come back to), which of its inputs a text rule's ``field`` means, and the input
    naming what the form is about where the page has one such form per conference, participant
    or advisor (the form's id is then ``change-item``)."""

    action: RunAction
    act: Callable[[Application, str, FormData, Principal, Language], str]
    text_fields: dict[str, str] = dataclasses.field(default_factory=dict)
    item: str | None = None


def _join(app: Application, run: str, form: FormData, _principal: Principal, lang: Language) -> str:
    app.runs.join(c.JoinRun(run=run, ags=field(form, "ags", 20).strip(), on=_on(form, lang)), lang)
    return "teilnehmende"


def _leave(app: Application, run: str, form: FormData, _principal: Principal, lang: Language) -> str:
    app.runs.leave(c.LeaveRun(run=run, ags=field(form, "ags", 20), on=_on(form, lang)), lang)
    return "teilnehmende"


def _add_advisor(app: Application, run: str, form: FormData, _principal: Principal, lang: Language) -> str:
    app.runs.add_advisor(c.AddRunAdvisor(run=run, email=field(form, "email", 320)), lang)
    return "beratung"


def _remove_advisor(app: Application, run: str, form: FormData, _principal: Principal, lang: Language) -> str:
    app.runs.remove_advisor(c.RemoveRunAdvisor(run=run, email=field(form, "email", 320)), lang)
    return "beratung"


def _event(app: Application, run: str, form: FormData, _principal: Principal, lang: Language) -> str:
    """A new conference, or a change of the one with that key (the date moves its reminders)."""
    row = app.runs.add_event(c.AddRunEvent(run=run, event=field(form, "event", 100), on=_on(form, lang),
                                           place=field(form, "place"), topic=field(form, "topic")), lang)
    return f"tagung-{row.event}"


def _remove_event(app: Application, run: str, form: FormData, _principal: Principal, lang: Language) -> str:
    app.runs.remove_event(run, field(form, "event", 100), lang)
    return "konferenzen"


def _attend(app: Application, run: str, form: FormData, _principal: Principal, lang: Language) -> str:
    """Attendance of one participant: the count always, names (one a line) only of people who
    consented to be named."""
    event = field(form, "event", 100)
    names = [line.strip() for line in field(form, "names").splitlines() if line.strip()]
    app.runs.attend(c.RecordEventAttendance(run=run, event=event, ags=field(form, "ags", 20), count=_count(form, lang),
                                            names=names), lang)
    return f"tagung-{event}"


CHANGES: dict[str, Change] = {
    "teilnahme": Change(RunAction.MANAGE, _join),
    "austritt": Change(RunAction.MANAGE, _leave, item="ags"),
    "beratung": Change(RunAction.MANAGE, _add_advisor),
    "beratung-entfernen": Change(RunAction.MANAGE, _remove_advisor, item="email"),
    "tagung": Change(RunAction.KEEP_EVENTS, _event, {"place": "place", "topic": "topic"}, item="event"),
    "tagung-entfernen": Change(RunAction.KEEP_EVENTS, _remove_event, item="event"),
    "anwesenheit": Change(RunAction.KEEP_EVENTS, _attend, {"name": "names"}, item="event"),
}


def form_id(change: str, found: Change, form: FormData) -> str:
    """Which form of the page was sent: the change, and what it is about where there is one form
    per conference, participant or advisor (the form adding a conference says ``new``)."""
    if found.item is None or peek(form, "new") == "1":
        return change
    return f"{change}-{peek(form, found.item, 320)}"


def _refusal(exc: ZyklusError | FieldRefused, text_fields: dict[str, str], lang: Language) -> dict[str, Any]:
    """The refusal as the templates show it: the field it belongs to (None: the form as a whole)
    and its message, a web catalogue key or the engine's sentence."""
    if isinstance(exc, FieldRefused):
        return {"field": exc.name, "message_key": exc.message_key,
                "message": said(exc.error, lang) if exc.error is not None else None}
    if isinstance(exc, FieldTooLong):
        return {"field": exc.name, "message": said(exc, lang)}
    named = str(exc.params.get("field", ""))
    return {"field": FIELD_OF_CODE.get(exc.code or "") or text_fields.get(named, named or None),
            "message": said(exc, lang)}


def _typed(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.multi_items() if isinstance(value, str) and key != "csrf"}


# -- the list and a new run ---------------------------------------------------------------------------
def _runs_page(request: Request, *, status_code: int = 200, failed: dict[str, Any] | None = None) -> Response:
    principal, lang = signed_in(request), language(request)
    app = door(request)
    runs = [run for run in app.runs.list(lang) if principal.may_run(RunAction.READ, run.run)]
    if not principal.is_admin:
        return render(request, "runs.html.j2", status_code=status_code, runs=runs)
    workflows = [(w.name, w.label or w.name) for w in app.workflows.list(lang) if w.valid]
    plan = [(p.label, format_duration(p.after_start, lang))
            for p in app.runs.conference_plan(DEFAULT_WORKFLOW, lang=lang)]
    return render(request, "runs.html.j2", status_code=status_code, runs=runs, form=NEW_RUN, failed=failed,
                  workflows=workflows, states=STATES, plan=plan)


@router.get("/programmdurchlaeufe")
def runs_page(request: Request) -> Response:
    return _runs_page(request)


@router.post("/programmdurchlaeufe")
def add_run(request: Request, form: Form) -> Response:
    """A new run (administrators): name, Land, start and end, the label's workflow and, if
    ticked, the variant's network conferences dated from the start."""
    admin(request)
    lang = language(request)
    try:
        created = door(request).runs.add(c.AddRun(
            run=field(form, "run", 100), name=field(form, "name"), organiser=field(form, "organiser"),
            workflow=field(form, "workflow", 100) or DEFAULT_WORKFLOW, state=field(form, "state", 2),
            starts_on=form_date(form, "starts_on", lang),
            ends_on=form_date(form, "ends_on", lang),
            plan_conferences=field(form, "plan", 2) == "1"), lang)
    except (ZyklusError, FieldRefused) as exc:
        return _runs_page(request, status_code=422, failed={
            "form": NEW_RUN, "values": _typed(form), **_refusal(exc, {"name": "name", "organiser": "organiser"}, lang)})
    return RedirectResponse(f"/programmdurchlaeufe/{created.run}?angelegt=1", status_code=303)


# -- one run ------------------------------------------------------------------------------------------
def _visible(request: Request, run: str, action: RunAction = RunAction.READ) -> tuple[Principal, Language]:
    principal, lang = signed_in(request), language(request)
    principal.require_run(action, run[:100], lang)
    return principal, lang


def _award_day(request: Request, shown: RunDTO, lang: Language) -> tuple[dt.date, str | None]:
    """The day the checklist is worked out for: ``?am=`` if it is a date, else the run's end,
    else today; a malformed ``?am=`` is said beside its field."""
    asked = request.query_params.get("am", "")[:20]
    fallback = shown.ends_on or door(request).service.today()
    if not asked:
        return fallback, None
    try:
        return web_day(asked, lang) or fallback, None
    except ZyklusError as exc:
        return fallback, said(exc, lang)


def _run_page(request: Request, run: str, *, status_code: int = 200, failed: dict[str, Any] | None = None,
              award: AwardResultDTO | None = None) -> Response:
    principal, lang = _visible(request, run)
    app = door(request)
    shown = app.runs.show(run, lang)
    on, day_error = _award_day(request, shown, lang)
    if award is not None:
        on = award.on
    manage = principal.may_run(RunAction.MANAGE, shown.run)
    attendance: dict[str, dict[str, Any]] = {}
    for row in app.runs.attendance(shown.run, lang):
        attendance.setdefault(row.event, {})[row.ags] = row
    taking_part = {e.event: [(p.ags, f"{p.name} ({p.ags})") for p in shown.participants
                             if p.joined_on <= e.on and (p.left_on is None or p.left_on > e.on)] for e in shown.events}
    return render(request, "run.html.j2", status_code=status_code, run=shown, status=app.runs.status(shown.run, lang),
                  attendance=attendance, taking_part=taking_part, failed=failed, states=STATES, award=award,
                  today=app.service.today(),
                  can_manage=manage, can_keep_events=principal.may_run(RunAction.KEEP_EVENTS, shown.run),
                  checklist=app.runs.award_checks(shown.run, on, lang) if manage else None, day_error=day_error)


@router.get("/programmdurchlaeufe/{run}")
def run_page(request: Request, run: str) -> Response:
    return _run_page(request, run)


@router.post("/programmdurchlaeufe/{run}/auszeichnung")
def award_run(request: Request, run: str, form: Form) -> Response:
    """The label for the participants that meet the criteria on the day given; the answer lists
    each participant, and one that lacks something with what it lacks. An award that found
    nobody to award while someone lacks a criterion is a refusal (409): nothing was written."""
    principal, lang = _visible(request, run, RunAction.MANAGE)
    try:
        result = door(request).runs.award(c.AwardRun(run=run, on=_on(form, lang),
                                                     by=field(form, "by").strip() or None,
                                                     actor=principal.email), lang)
    except (ZyklusError, FieldRefused) as exc:
        return _run_page(request, run, status_code=422, failed={
            "form": "auszeichnung", "values": _typed(form), **_refusal(exc, {"by": "by"}, lang)})
    newly = any(check.awarded and not check.already for check in result.checks)
    lacking = any(not check.awarded for check in result.checks)
    return _run_page(request, run, status_code=409 if lacking and not newly else 200, award=result)


@router.post("/programmdurchlaeufe/{run}/{change}")
def change_run(request: Request, run: str, change: str, form: Form) -> Response:
    """Every other form of the page: success goes back to what changed (post/redirect/get)."""
    found = CHANGES.get(change)
    if found is None:
        raise HTTPException(404)
    principal, lang = _visible(request, run, found.action)
    try:
        anchor = found.act(door(request), run, form, principal, lang)
    except (ZyklusError, FieldRefused) as exc:
        return _run_page(request, run, status_code=422, failed={
            "form": form_id(change, found, form), "values": _typed(form), **_refusal(exc, found.text_fields, lang)})
    return RedirectResponse(f"/programmdurchlaeufe/{run}?gespeichert=1#{anchor}", status_code=303)
