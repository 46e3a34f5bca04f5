"""The one access check of every page and API call about a municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

from zyklus.app.access import Action
from zyklus.web.context import door, language, signed_in

if TYPE_CHECKING:
    from zyklus.app.access import Principal
    from zyklus.app.dto import MunicipalityDTO


def municipality_for(request: Request, ags: str, action: Action = Action.READ,
                     principal: Principal | None = None) -> tuple[Principal, MunicipalityDTO]:
    """The principal and the municipality, if the principal may do ``action`` there; an AGS they
    may not read is answered exactly like one that does not exist."""
    principal = principal or signed_in(request)
    lang = language(request)
    from engine.errors import InvalidInput, NotFound
    from engine.i18n import m

    try:
        found = door(request).cycles.municipality(ags, lang)
    except (NotFound, InvalidInput):
        raise NotFound(m("municipality.unknown", lang, ags=ags[:8])) from None
    principal.require(action, found.ags, found.state, lang)
    return principal, found


class AdminOnly(Exception):
    """A page of the administrators (Betrieb, GDPR requests): answered 403 with its own page."""


def admin(request: Request) -> Principal:
    """The signed-in administrator; anyone else is refused (403: the page exists, it is not theirs)."""
    principal = signed_in(request)
    if not principal.is_admin:
        raise AdminOnly()
    return principal
