"""The web application: pages and the REST API on one FastAPI app, built from the door.

:func:`create_app` is what `zyklus web` serves (and what the tests drive through an HTTP client);
the door comes from the composition root, so the web app is no second place that wires zyklus.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine.errors import ZyklusError
from zyklus.web import security
from zyklus.web.context import (
    CsrfFailed,
    LoginRequired,
    WebState,
    build_templates,
    render,
)
from zyklus.web.pages import auth, calendar, municipality, operations, overview, people, static_pages
from zyklus.web.pages.access import AdminOnly

if TYPE_CHECKING:
    from zyklus.app import Application
    from zyklus.config import Settings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(door: Application, settings: Settings, secret: str) -> FastAPI:
    app = FastAPI(title="zyklus", version="1", docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json")
    app.state.web = WebState(door=door, settings=settings, keys=security.Keys(secret), templates=build_templates())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, overview, municipality, people, calendar, operations, static_pages):
        app.include_router(module.router)

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

    @app.exception_handler(AdminOnly)
    async def _admin_only(request: Request, exc: AdminOnly) -> Response:
        return render(request, "error.html.j2", status_code=403, title_key="web.error.admin_only.title",
                      message_key="web.error.admin_only.text")

    @app.exception_handler(ZyklusError)
    async def _error(request: Request, exc: ZyklusError) -> Response:
        """A refusal that reaches no form (an unknown municipality in the URL): its own page."""
        from zyklus.web.context import language
        from zyklus.web.problems import status_of

        return render(request, "error.html.j2", status_code=status_of(exc), title_key="web.error.title",
                      message=exc.render(language(request)))

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Response:
        return render(request, "error.html.j2", status_code=404, title_key="web.error.not_found.title",
                      message_key="web.error.not_found.text")

    return app
