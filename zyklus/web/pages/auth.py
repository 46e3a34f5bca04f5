"""Signing in and out, the mailed password link, the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine.errors import InvalidInput
from zyklus.app.accounts import LoginRefused
from zyklus.web import security
from zyklus.web.context import (
    checked_form,
    door,
    field,
    language,
    principal_or_none,
    render,
    said,
    state,
)

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]


def safe_next(target: str | None) -> str:
    """Only a path of this site: ``//evil.example`` or ``https://…`` would send the person away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 500:
        return "/"
    return target


@router.get("/anmelden")
def login_form(request: Request, next: str = "/") -> Response:
    if principal_or_none(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html.j2", next=safe_next(next))


@router.post("/anmelden")
def login(request: Request, form: Form) -> Response:
    lang = language(request)
    email, target = field(form, "email", 320), safe_next(field(form, "next", 500))
    try:
        issued = door(request).accounts.login(email, field(form, "password", 1000), lang,
                                              client=request.client.host if request.client else None)
    except LoginRefused as exc:
        return render(request, "login.html.j2", status_code=401, next=target, email=email,
                      error=said(exc, lang))
    response = RedirectResponse(target, status_code=303)
    web = state(request)
    security.set_cookie(request, response, security.SESSION, web.keys.sign_session(issued.token),
                        max_age=int(web.settings.get("web", "session_hours")) * 3600)
    security.clear_cookie(request, response, security.CSRF)  # a new CSRF value after signing in
    return response


@router.post("/abmelden")
def logout(request: Request, form: Form) -> Response:
    token = state(request).keys.session_token(security.read_cookie(request, security.SESSION))
    if token:
        door(request).accounts.logout(token)
    response = RedirectResponse("/anmelden", status_code=303)
    security.clear_cookie(request, response, security.SESSION)
    security.clear_cookie(request, response, security.CSRF)
    return response


def base_url(request: Request) -> str:
    return state(request).settings.public_url or str(request.base_url).rstrip("/")


@router.get("/passwort-vergessen")
def forgot_form(request: Request) -> Response:
    return render(request, "forgot.html.j2")


@router.post("/passwort-vergessen")
def forgot(request: Request, form: Form, tasks: BackgroundTasks) -> Response:
    """The same answer whether or not the address is known; the mail is in the outbox before the
    answer, and sent right after it (and by the scheduler if the mail server is down)."""
    if door(request).accounts.mail_link(field(form, "email", 320), base_url(request), language(request)):
        tasks.add_task(door(request).reminders.deliver)
    return render(request, "forgot.html.j2", sent=True)


@router.get("/passwort/{token}")
def password_form(request: Request, token: str) -> Response:
    lang = language(request)
    try:
        account = door(request).accounts.link_account(token[:100], lang)
    except InvalidInput as exc:
        return render(request, "password.html.j2", status_code=410, invalid=said(exc, lang))
    return render(request, "password.html.j2", token=token, account=account)


@router.post("/passwort/{token}")
def set_password(request: Request, token: str, form: Form) -> Response:
    lang = language(request)
    accounts = door(request).accounts
    password, repeated = field(form, "password", 1000), field(form, "password2", 1000)
    try:
        account = accounts.link_account(token[:100], lang)
    except InvalidInput as exc:
        return render(request, "password.html.j2", status_code=410, invalid=said(exc, lang))
    if password != repeated:
        return render(request, "password.html.j2", status_code=422, token=token, account=account,
                      error_key="web.password.mismatch")
    try:
        accounts.set_password(token[:100], password, lang)
    except InvalidInput as exc:
        return render(request, "password.html.j2", status_code=422, token=token, account=account,
                      error=said(exc, lang))
    return render(request, "login.html.j2", next="/", email=account.email, notice_key="web.password.set")


@router.post("/sprache")
def switch_language(request: Request, form: Form) -> Response:
    """German or English, for this browser and (signed in) for the account."""
    chosen = field(form, "lang", 2)
    if chosen not in ("de", "en"):
        chosen = "de"
    principal = principal_or_none(request)
    if principal is not None:
        door(request).accounts.set_language(principal, chosen)  # type: ignore[arg-type]
    response = RedirectResponse(safe_next(field(form, "next", 500)), status_code=303)
    response.set_cookie("lang", chosen, max_age=365 * 86400, path="/", httponly=True, samesite="lax",
                        secure=security.is_secure(request))
    return response
