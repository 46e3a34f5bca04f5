"""What every page needs: the door, the signed-in principal, the request's language, the CSRF
check of a form, and rendering a template with all of it.

The door is built once per process by the composition root (zyklus.bootstrap) and kept on the
app (``app.state.web``); a page never opens a database session itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse

from engine.errors import InvalidInput
from engine.i18n import Language, format_date, m
from engine.numbers import format_exact, format_number
from zyklus.web import security
from zyklus.web.i18n import gettext_for, negotiate

if TYPE_CHECKING:
    from zyklus.app import Application
    from zyklus.app.access import Principal
    from zyklus.config import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_FORM_BYTES = 1_000_000
FIELD_LIMIT = 100_000
"""What no input of a form needs: above the longest text the engine takes (validate.MAX_TEXT),
so where the engine checks a length its own message comes through."""


@dataclass
class WebState:
    door: Application
    settings: Settings
    keys: security.Keys
    templates: Environment


class LoginRequired(Exception):
    """The page needs a signed-in person: answered with a redirect to the login form."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfFailed(Exception):
    """A form without this browser's CSRF token (another site's form, or an expired page)."""


class FormTooLarge(Exception):
    """A form body over MAX_FORM_BYTES (no form of zyklus comes near it): 413, nothing read further."""


def state(request: Request) -> WebState:
    return request.app.state.web


def door(request: Request) -> Application:
    return state(request).door


def principal_or_none(request: Request) -> Principal | None:
    if not hasattr(request.state, "principal"):
        token = state(request).keys.session_token(security.read_cookie(request, security.SESSION))
        request.state.principal = door(request).accounts.session(token) if token else None
    return request.state.principal


def signed_in(request: Request) -> Principal:
    """FastAPI dependency: the principal, or a redirect to the login page that comes back here."""
    principal = principal_or_none(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return principal


def language(request: Request) -> Language:
    """The signed-in person's language, else ``?lang=``, the ``lang`` cookie, the browser's."""
    principal = principal_or_none(request)
    if principal is not None:
        return principal.language
    asked = request.query_params.get("lang") or request.cookies.get("lang")
    if asked in ("de", "en"):
        return asked  # type: ignore[return-value]
    return negotiate(request.headers.get("accept-language"), state(request).settings.language)


async def checked_form(request: Request) -> FormData:
    """FastAPI dependency for every POST form: refuses oversized bodies and a missing or wrong
    CSRF token before the endpoint runs."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise FormTooLarge()
    body, size = [], 0
    async for chunk in request.stream():  # a chunked body has no length to check beforehand
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise FormTooLarge()
        body.append(chunk)
    request._body = b"".join(body)  # Starlette's cache of the body, where request.form() reads it from
    form = await request.form(max_files=0, max_fields=200)
    submitted = form.get("csrf")
    if not state(request).keys.csrf_valid(security.read_cookie(request, security.CSRF),
                                          submitted if isinstance(submitted, str) else None):
        raise CsrfFailed()
    return form


class FieldTooLong(InvalidInput):
    """An input longer than any sensible value of it: refused, never cut (a cut text would be
    stored as something nobody typed, a cut number read as another number). ``name`` is the input."""

    def __init__(self, name: str, length: int, limit: int) -> None:
        super().__init__(m("input.too_long", "de", length=length, limit=limit))
        self.name = name


def field(form: FormData, name: str, limit: int = FIELD_LIMIT) -> str:
    """A text field of a form ('' when absent); an upload where text belongs counts as absent.
    One longer than ``limit`` is refused (:class:`FieldTooLong`); the limit only guards against
    absurd sizes, the engine checks the lengths it stores."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise FieldTooLong(name, len(value), limit)
    return value


def peek(form: FormData, name: str, limit: int = 64) -> str:
    """A short input to name what a form is about (its item, for the anchor and the message's
    place): '' where :func:`field` would refuse it, so showing a refusal never fails itself."""
    value = form.get(name)
    return value if isinstance(value, str) and len(value) <= limit else ""


def line_feeds(text: str) -> str:
    """Typed text with its line breaks as LF: browsers send a textarea's as CRLF (the HTML form
    encoding), and the engine refuses a carriage return as a control character."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_field(form: FormData, name: str, limit: int = FIELD_LIMIT) -> str:
    """A textarea's text, with LF line breaks."""
    return line_feeds(field(form, name, limit))


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    lang = language(request)
    web = state(request)
    body = web.templates.get_template(template).render(
        request=request, lang=lang, principal=principal_or_none(request),
        csrf=web.keys.csrf_for(security.csrf_raw(request)), path=request.url.path,
        tz=web.settings.timezone, **values)
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _url(path: str, *parts: str) -> str:
    return "/".join([path.rstrip("/")] + [quote(p, safe="") for p in parts])


def build_templates() -> Environment:
    """The page templates: autoescaped, with gettext in the request's language (jinja2's i18n
    extension, new-style: placeholders are escaped too) and German date and number formats."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)

    @pass_context
    def _gettext(context: Any, key: str) -> str:
        return gettext_for(context["lang"])[0](key)

    @pass_context
    def _ngettext(context: Any, key: str, plural: str, n: int) -> str:
        return gettext_for(context["lang"])[1](key, plural, n)

    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]

    @pass_context
    def _date(context: Any, value: dt.date | str | None) -> str:
        return format_date(value, context["lang"])

    @pass_context
    def _moment(context: Any, value: dt.datetime | None) -> str:
        if value is None:
            return "–"
        local = value.astimezone(ZoneInfo(context["tz"]))
        return local.strftime("%d.%m.%Y, %H:%M") if context["lang"] == "de" else local.strftime("%Y-%m-%d %H:%M")

    @pass_context
    def _number(context: Any, value: float | None, decimals: int = 0) -> str:
        return format_number(value, decimals, context["lang"])

    @pass_context
    def _described(context: Any, entry: Any) -> str:
        from zyklus.app.history_text import describe

        return describe(entry, context["lang"])

    @pass_context
    def _exact(context: Any, value: float | None) -> str:
        """A value as it was typed or stored, every digit (a correction shows what it corrected)."""
        return format_exact(value, context["lang"])

    env.filters.update(date=_date, moment=_moment, number=_number, described=_described, exact=_exact)
    env.globals["url"] = _url
    return env


OPTION_LABELS = {"--title": "web.field.title", "--theme": "web.field.theme", "--reason": "web.field.reason",
                 "--source": "web.field.source", "--responsible": "web.field.responsible", "--unit": "web.field.unit",
                 "--note": "web.field.note", "--name": "web.field.name"}
"""The engine names a field by the command line's option (the CLI was its first caller); a page names
it by the label its input carries."""


def said(refusal: Any, lang: Language) -> str:
    """An engine refusal (an error or its message) as a page says it: „Begründung darf nicht leer
    sein.“ where the command line says „--reason darf nicht leer sein.“."""
    from engine.i18n import Message
    from zyklus.web.i18n import gettext_for

    detail = refusal if isinstance(refusal, Message) else getattr(refusal, "detail", None)
    if detail is None or not any(isinstance(v, str) and v in OPTION_LABELS for v in detail.params.values()):
        return refusal.render(lang)
    label = gettext_for(lang)[0]
    params = {name: label(OPTION_LABELS[value]) if isinstance(value, str) and value in OPTION_LABELS else value
              for name, value in detail.params.items()}
    return Message(detail.key, params, detail.lang).render(lang)
