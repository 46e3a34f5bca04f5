"""*Ratsinformation*: what the OParl sync found in the municipality's council information system,
the candidates for the council resolution the cycle waits for, each with accept and dismiss.

Nothing from a sync is written into a cycle by itself (zyklus/app/oparl.py): accepting records
the resolution fact through the same door as `zyklus oparl accept`, dated the meeting day, with
the body, the reference and the paper's page. Since accepting records a fact, it is for those
who may record facts (the core team, and the coordination within it); everyone who may read the
municipality reads the page, with the source's last sync.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine.errors import NotFound, ZyklusError
from zyklus.app import commands as c
from zyklus.app.access import Action
from zyklus.app.dto import FieldSpecDTO
from zyklus.web.context import checked_form, door, field, language, render, said
from zyklus.web.pages.access import municipality_for
from zyklus.web.problems import status_of

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
CandidateId = Annotated[int, Path(ge=1, le=2**62)]


def _bodies(request: Request, ags: str) -> dict[str, FieldSpecDTO]:
    """The ``body`` field of each fact the cycle still waits for: its choices are what an
    organization's name is matched against, and what the coordinator may choose instead."""
    try:
        unmet = door(request).cycles.status(ags, language(request)).unmet
    except NotFound:
        return {}
    return {guard.fact: spec for guard in unmet if guard.fact for spec in guard.fields if spec.name == "body"}


def _page(request: Request, ags: str, *, status_code: int = 200, failed: dict[str, Any] | None = None) -> Response:
    principal, municipality = municipality_for(request, ags)
    lang = language(request)
    app = door(request)
    candidates = app.oparl.candidates(municipality.ags, lang, all_=True)
    return render(request, "council.html.j2", status_code=status_code, municipality=municipality,
                  sources=app.oparl.status(lang, ags=municipality.ags),
                  open=[row for row in candidates if row.status == "open"],
                  decided=[row for row in candidates if row.status != "open"], bodies=_bodies(request, municipality.ags),
                  can_decide=principal.may(Action.RECORD, municipality.ags, municipality.state),
                  failed=failed)


@router.get("/kommunen/{ags}/ratsinformation")
def council_page(request: Request, ags: str) -> Response:
    return _page(request, ags)


def _decide(request: Request, ags: str, candidate_id: int, form: FormData, accept: bool) -> Response:
    """Accept (records the fact) or dismiss; a refusal (not adopted, a body the fact does not
    know, already decided) comes back at the candidate, nothing written."""
    principal, municipality = municipality_for(request, ags, Action.RECORD)
    lang = language(request)
    app = door(request)
    body = field(form, "body", 300).strip() or None
    command = c.DecideCandidate(ags=municipality.ags, candidate_id=candidate_id, actor=principal.email,
                                body=body if accept else None)
    try:
        if accept:
            app.oparl.accept(command, lang)
        else:
            app.oparl.dismiss(command, lang)
    except NotFound:
        raise  # an unknown candidate (or another municipality's), no running cycle: the not-found page
    except ZyklusError as exc:
        return _page(request, ags, status_code=status_of(exc),
                     failed={"id": candidate_id, "message": said(exc, lang), "body": body or ""})
    done = "angenommen" if accept else "verworfen"
    return RedirectResponse(f"/kommunen/{municipality.ags}/ratsinformation?{done}={candidate_id}", status_code=303)


@router.post("/kommunen/{ags}/ratsinformation/{candidate_id}/annehmen")
def accept_candidate(request: Request, ags: str, candidate_id: CandidateId, form: Form) -> Response:
    return _decide(request, ags, candidate_id, form, accept=True)


@router.post("/kommunen/{ags}/ratsinformation/{candidate_id}/verwerfen")
def dismiss_candidate(request: Request, ags: str, candidate_id: CandidateId, form: Form) -> Response:
    return _decide(request, ags, candidate_id, form, accept=False)
