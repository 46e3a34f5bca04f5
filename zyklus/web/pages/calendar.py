"""*Kalender*: a personal iCalendar subscription of the deadlines, reviews and events of every
municipality the signed-in person may read.

The feed URL carries an unguessable token instead of a login (calendar programs cannot sign in);
the database keeps only its digest, so the URL is shown once, right after it was made, and
making a new one ends the old one: that is how a leaked URL is withdrawn.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from zyklus.app import Application
from zyklus.app.access import Principal
from zyklus.web.context import checked_form, door, render, signed_in
from zyklus.web.pages.auth import base_url

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
TOKEN_MAX = 100


def readable(app: Application, principal: Principal) -> list[str]:
    """The AGS the person may read (every registered one for an administrator)."""
    visible = app.accounts.visible(principal)
    return [row.ags for row in app.cycles.municipalities()] if visible is None else visible


@router.get("/kalender")
def calendar_page(request: Request) -> Response:
    signed_in(request)
    return render(request, "calendar.html.j2")


@router.post("/kalender")
def new_token(request: Request, form: Form) -> Response:
    """Make the feed URL (again); the previous one answers 404 from now on."""
    token = door(request).accounts.new_calendar_token(signed_in(request))
    https = f"{base_url(request)}/kalender/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    return render(request, "calendar.html.j2", https=https, webcal=webcal)


@router.get("/kalender/{token}.ics")
def feed(request: Request, token: str) -> Response:
    """The subscription itself: no session, the token is the credential; an unknown (or
    replaced) token is not found."""
    app = door(request)
    principal = app.accounts.calendar_principal(token[:TOKEN_MAX]) if len(token) <= TOKEN_MAX else None
    if principal is None:
        return Response(status_code=404)
    body = app.reminders.feed(readable(app, principal), "zyklus", principal.language)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "no-store", "Content-Disposition": 'inline; filename="zyklus.ics"'})
