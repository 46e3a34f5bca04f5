"""*Betrieb* (administrators only): the mails that failed and the reminders that keep failing,
each with a button that tries again, the municipalities' council information systems (OParl)
with their last sync and error, and the workflow variants with their diagram and a dry run of
one cycle's timeline.

The diagram is drawn here from the door's Mermaid text as an ordered list of the phases and a
table of the transitions: no script, no CDN, readable by a screen reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine import validate
from engine.errors import ZyklusError
from zyklus.web.context import checked_form, door, language, render, said
from zyklus.web.pages.access import admin
from zyklus.web.pages.forms import web_day

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
RowId = Annotated[int, Path(ge=1, le=2**62)]
"""An outbox or timer id as the database can hold it: anything else is refused before a query."""
_STATE_LINE = re.compile(r"\s+(\S+) : (.*)")
_TRANSITION_LINE = re.compile(r"\s+(\S+) --> (\S+)(?: : (.*))?")
_ENTITY = re.compile(r"#([0-9]+);")
_VARIANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
"""A variant's name in the catalogue; the door would read a path ending in .toml as a file."""
START = "[*]"


@dataclass(frozen=True)
class Step:
    source: str
    dest: str
    guards: list[tuple[str, bool]]
    """(guard id, warning only) in the definition's order; a trigger other than advance comes first."""


@dataclass(frozen=True)
class Diagram:
    phases: list[tuple[str, str]]
    """(state id, label) in the definition's order, ``completed`` last."""
    steps: list[Step]

    def label(self, state: str) -> str:
        return next((label for sid, label in self.phases if sid == state), state)


def diagram(mermaid: str) -> Diagram:
    """The phases and transitions of the door's ``stateDiagram-v2`` (engine.workflow_view writes
    one statement a line: ``id : label`` and ``a --> b : guards``, warnings marked with ``!``;
    characters with Mermaid meaning as ``#59;``)."""
    def text(value: str) -> str:
        return _ENTITY.sub(lambda found: chr(int(found[1])), value)

    phases: list[tuple[str, str]] = []
    steps: list[Step] = []
    for line in mermaid.splitlines()[1:]:
        if found := _TRANSITION_LINE.fullmatch(line):
            names = [g.strip() for g in text(found[3] or "").split(",") if g.strip()]
            steps.append(Step(found[1], found[2], [(g.rstrip("!"), g.endswith("!")) for g in names]))
        elif found := _STATE_LINE.fullmatch(line):
            phases.append((found[1], text(found[2])))
    return Diagram(phases, steps)


@router.get("/betrieb")
def operations_page(request: Request) -> Response:
    admin(request)
    app = door(request)
    return render(request, "operations.html.j2", mails=app.reminders.outbox(failed_only=True),
                  timers=app.reminders.failing_timers(), workflows=app.workflows.list(language(request)),
                  sources=app.oparl.status(language(request)))


@router.post("/betrieb/mails/{outbox_id}/erneut")
def retry_mail(request: Request, outbox_id: RowId, form: Form) -> Response:
    """The mail goes out again with the next delivery (an unknown id is answered as not found)."""
    admin(request)
    door(request).reminders.retry_mail(outbox_id, language(request))
    return RedirectResponse("/betrieb?erneut=mail#mails", status_code=303)


@router.post("/betrieb/erinnerungen/{timer_id}/erneut")
def retry_timer(request: Request, timer_id: RowId, form: Form) -> Response:
    admin(request)
    door(request).reminders.retry_timer(timer_id, language(request))
    return RedirectResponse("/betrieb?erneut=erinnerung#erinnerungen", status_code=303)


@router.get("/betrieb/workflows/{name}")
def workflow_page(request: Request, name: str, start: str = "", land: str = "TH") -> Response:
    """A variant's phases and transitions, and its dry run from ``start`` (default today) in the
    Land ``land``: a wrong date or Land is shown at its field, with the diagram still there."""
    admin(request)
    lang = language(request)
    app = door(request)
    if not _VARIANT.fullmatch(name):
        raise HTTPException(status_code=404)
    shown = diagram(app.workflows.show(name, "mermaid", lang))
    errors: dict[str, str] = {}
    try:
        day = web_day(start[:20], lang) or app.today()
    except ZyklusError as exc:
        errors["start"] = said(exc, lang)
    try:
        state = validate.state(land[:5], lang)
    except ZyklusError as exc:
        errors["land"] = said(exc, lang)
    timeline = None if errors else app.workflows.simulate(name, day, state, lang=lang)
    return render(request, "workflow.html.j2", status_code=422 if errors else 200, name=name, diagram=shown,
                  timeline=timeline, errors=errors, start=start[:20] or app.today().isoformat(), land=land[:5],
                  states=validate.STATES, start_state=START)
