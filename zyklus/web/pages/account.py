"""*Konto*: the signed-in person's language and personal API tokens (create: shown once; revoke)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine.errors import ZyklusError
from zyklus.app.access import Principal
from zyklus.web.context import checked_form, door, field, language, render, signed_in, said

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
SignedIn = Annotated[Principal, Depends(signed_in)]


def _page(request: Request, principal: Principal, status_code: int = 200, **values: Any) -> Response:
    return render(request, "account.html.j2", status_code=status_code,
                  tokens=door(request).accounts.api_tokens(principal), **values)


@router.get("/konto")
def account_page(request: Request, principal: SignedIn) -> Response:
    return _page(request, principal, revoked=request.query_params.get("widerrufen") == "1")


@router.post("/konto/tokens")
def create_token(request: Request, principal: SignedIn, form: Form) -> Response:
    """The new token is in this one answer only (the database keeps its digest); no redirect, so a
    reload does not show it again from a URL."""
    name = field(form, "name")
    try:
        token, created = door(request).accounts.create_api_token(principal, name, language(request))
    except ZyklusError as exc:
        return _page(request, principal, status_code=422, name_error=said(exc, language(request)), name=name)
    return _page(request, principal, new_token=token, created=created)


@router.post("/konto/tokens/{token_id}/widerrufen")
def revoke_token(request: Request, token_id: int, principal: SignedIn, form: Form) -> Response:
    try:
        door(request).accounts.revoke_api_token(principal, token_id, language(request))
    except ZyklusError as exc:
        return _page(request, principal, status_code=422, revoke_error=said(exc, language(request)))
    return RedirectResponse("/konto?widerrufen=1", status_code=303)
