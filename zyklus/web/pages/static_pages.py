"""The start page (where a signed-in person belongs) and the accessibility statement."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zyklus.web.context import render, signed_in, state

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    principal = signed_in(request)
    if principal.is_admin or principal.is_advisor or len(principal.memberships) != 1:
        return RedirectResponse("/uebersicht", status_code=303)
    return RedirectResponse(f"/kommunen/{next(iter(principal.memberships))}", status_code=303)


@router.get("/barrierefreiheit")
def accessibility(request: Request) -> Response:
    """BITV 2.0 § 7: the statement and a way to report barriers, reachable without signing in."""
    from email.utils import parseaddr

    settings = state(request).settings
    contact = settings.get("web", "contact") or parseaddr(settings.get("smtp", "sender"))[1]
    return render(request, "accessibility.html.j2", feedback=contact)
