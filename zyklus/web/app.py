"""The web application: pages and the REST API on one FastAPI app, built from the door.

:func:`create_app` is what `zyklus web` serves (and what the tests drive through an HTTP client);
the door comes from the composition root, so the web app is no second place that wires zyklus.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from engine.errors import InvalidInput, VersionMismatch, ZyklusError
from engine.i18n import m
from zyklus.web import api, security
from zyklus.web.api.common import PREFIX, api_language, etag
from zyklus.web.context import (
    CsrfFailed,
    FormTooLarge,
    LoginRequired,
    WebState,
    build_templates,
    render,
    said,
)
from zyklus.web.openapi import document
from zyklus.web.pages import (account, auth, calendar, council, meetings, municipality, operations, overview,
                               people, programme, runs, static_pages)
from zyklus.web.pages.access import AdminOnly
from zyklus.web.problems import WithStatus, json_safe, problem

if TYPE_CHECKING:
    from zyklus.app import Application
    from zyklus.config import Settings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(door: Application, settings: Settings, secret: str) -> FastAPI:
    app = FastAPI(title="zyklus", version="1", docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json")
    app.state.web = WebState(door=door, settings=settings, keys=security.Keys(secret), templates=build_templates())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, overview, municipality, meetings, council, programme, people, runs, calendar, operations,
                   account, static_pages):
        app.include_router(module.router)
    app.include_router(api.router)
    app.openapi = document  # type: ignore[method-assign]  # the API's routes, as docs/openapi.json

    @app.middleware("http")
    async def _headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        for name, value in security.HEADERS.items():
            response.headers.setdefault(name, value)
        new_csrf = getattr(request.state, "new_csrf", None)
        if new_csrf:
            security.set_cookie(request, response, security.CSRF, new_csrf)
        return response

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/anmelden?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return render(request, "error.html.j2", status_code=403, title_key="web.error.csrf.title",
                      message_key="web.error.csrf.text")

    @app.exception_handler(FormTooLarge)
    async def _too_large(request: Request, exc: FormTooLarge) -> Response:
        return render(request, "error.html.j2", status_code=413, title_key="web.error.too_large.title",
                      message_key="web.error.too_large.text")

    @app.exception_handler(AdminOnly)
    async def _admin_only(request: Request, exc: AdminOnly) -> Response:
        return render(request, "error.html.j2", status_code=403, title_key="web.error.admin_only.title",
                      message_key="web.error.admin_only.text")

    @app.exception_handler(ZyklusError)
    async def _error(request: Request, exc: ZyklusError) -> Response:
        """A refusal that reaches no form (an unknown municipality in the URL): its own page; in the
        API a problem+json."""
        if _is_api(request):
            return _problem(request, exc)
        from zyklus.web.context import language
        from zyklus.web.problems import status_of

        return render(request, "error.html.j2", status_code=status_of(exc), title_key="web.error.title",
                      message=said(exc, language(request)))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        """Starlette's own refusals (no such route, method not allowed)."""
        if _is_api(request):
            key = "api.method_not_allowed" if exc.status_code == 405 else "api.not_found"
            return _problem(request, WithStatus(m(key, api_language(request), path=request.url.path[:200]),
                                                  exc.status_code), exc.headers)
        if exc.status_code == 404:
            return render(request, "error.html.j2", status_code=404, title_key="web.error.not_found.title",
                          message_key="web.error.not_found.text")
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        """A body that is no JSON, a field of the wrong type, a bad query parameter: 422, saying
        where (a page: its error page; a malformed number in a page's path names nothing: 404)."""
        errors = [{"loc": [str(part) for part in error.get("loc", ())], "type": error.get("type"),
                   "msg": error.get("msg")} for error in exc.errors()]
        if not _is_api(request):
            return _page_refusal(request, exc.errors())
        where = "; ".join(".".join(e["loc"]) + ": " + str(e["msg"]) for e in errors[:5])
        refused = InvalidInput(m("request.invalid", api_language(request), errors=where[:1000]))
        refused.params = {"errors": json_safe(errors)}
        return _problem(request, refused)

    @app.exception_handler(ValidationError)
    async def _command_invalid(request: Request, exc: ValidationError) -> Response:
        """The last resort for a value a page or the API passed to a door command unread (each
        should read it with the engine's rules first): 422, nothing changed, never a 500. A
        ValidationError of anything else is a bug and goes on to the handler of bugs."""
        if exc.title not in _command_names():
            raise exc
        if _is_api(request):
            where = "; ".join(".".join(str(p) for p in e.get("loc", ())) + ": " + str(e.get("msg"))
                              for e in exc.errors()[:5])
            return _problem(request, InvalidInput(m("request.invalid", api_language(request), errors=where[:1000])))
        return render(request, "error.html.j2", status_code=422, title_key="web.error.title",
                      message_key="web.error.invalid_input.text")

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        """A bug: logged with its traceback by the server; the client gets a problem, never the trace."""
        if _is_api(request):
            return _problem(request, WithStatus(m("api.internal", api_language(request)), 500))
        return PlainTextResponse("Internal Server Error", status_code=500)

    return app


def _page_refusal(request: Request, errors: Sequence[Any]) -> Response:
    """A page's address with a value of the wrong kind (``?zyklus=abc``): the error page naming
    it; one in the path (``/sitzungen/abc``) names no page, so it is not found."""
    from zyklus.web.context import language
    from zyklus.web.i18n import gettext_for

    first = errors[0] if errors else {}
    where = tuple(first.get("loc", ()))
    if not where or where[0] == "path":
        return render(request, "error.html.j2", status_code=404, title_key="web.error.not_found.title",
                      message_key="web.error.not_found.text")
    value = str(first.get("input", ""))
    shown = value if len(value) <= 60 else value[:60] + "…"
    text = gettext_for(language(request))[0]("web.error.bad_parameter") % {"name": str(where[-1])[:60],
                                                                           "value": shown}
    return render(request, "error.html.j2", status_code=422, title_key="web.error.title", message=text)


@cache
def _command_names() -> frozenset[str]:
    """The door's command models by name (a ValidationError says which model it is about)."""
    from zyklus.app import commands

    found, todo = set(), [commands.Command]
    while todo:
        kind = todo.pop()
        found.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    return frozenset(found)


def _is_api(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")


def _problem(request: Request, exc: ZyklusError, headers: dict[str, str] | None = None) -> Response:
    """The API's refusal; a stale If-Match carries the current ETag, a missing token the scheme."""
    from zyklus.app.accounts import LoginRefused

    headers = dict(headers or {})
    if isinstance(exc, VersionMismatch) and {"ags", "cycle", "version"} <= exc.params.keys():
        headers["ETag"] = etag(exc.params["ags"], exc.params["cycle"], exc.params["version"])
    if isinstance(exc, LoginRefused):
        headers["WWW-Authenticate"] = 'Bearer realm="zyklus"'
    return problem(exc, api_language(request), headers)
