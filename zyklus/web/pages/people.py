"""*Arbeitsstrukturen*: the people of a municipality by role with the counts the workflow asks
for; the coordination registers, changes and removes people, an administrator exports and
erases a person's data (GDPR Art. 15 and 17). Everyone who may read the municipality reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine.errors import NotFound, ZyklusError
from engine.i18n import Language, m
from engine.roles import ROLES
from zyklus.app import commands as c
from zyklus.app.access import Action, Principal
from zyklus.app.dto import MunicipalityDTO, PersonDTO
from zyklus.web.context import checked_form, door, field, language, render, said
from zyklus.web.pages.access import admin, municipality_for

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
NEW = "neu"
"""The id of the form that registers a person (the status page links to ``#neu``)."""


def _field_of(exc: ZyklusError) -> str | None:
    """Which input an engine refusal is about, so the message sits at that field."""
    code = exc.code or ""
    if code.startswith(("email.", "person.duplicate")):
        return "email"
    if code.startswith("role.") or code == "person.last_coordinator":
        return "roles"
    if code.startswith("language."):
        return "language"
    return {"Name": "name", "Organisation": "organisation"}.get(str(exc.params.get("field")))


def _groups(people: list[PersonDTO], required: dict[str, int]) -> list[dict[str, Any]]:
    """One group per role, the people who hold it, how many count in it (a coordinator counts in
    the core team and the steering group too) and how many the workflow asks for, where known."""
    return [{"role": role, "members": [p for p in people if role in p.roles],
             "counted": sum(role in p.counts_in for p in people), "required": required.get(role)}
            for role in ROLES]


def _page(request: Request, ags: str, *, status_code: int = 200, failed: dict[str, Any] | None = None,
          confirm: PersonDTO | None = None) -> Response:
    principal, municipality = municipality_for(request, ags)
    lang = language(request)
    app = door(request)
    people = app.cycles.people(municipality.ags, lang)
    try:
        unmet = app.cycles.status(municipality.ags, lang).unmet
    except NotFound:  # no cycle yet: nothing is required so far
        unmet = []
    required = {g.role: g.count for g in unmet if g.role and g.count is not None}
    return render(request, "people.html.j2", status_code=status_code, municipality=municipality, people=people,
                  groups=_groups(people, required), roles=ROLES, new_form=NEW, failed=failed, confirm=confirm,
                  can_manage=principal.may(Action.MANAGE_PEOPLE, municipality.ags, municipality.state),
                  is_admin=principal.is_admin)


@router.get("/kommunen/{ags}/arbeitsstrukturen")
def people_page(request: Request, ags: str) -> Response:
    return _page(request, ags)


def _choices(form: FormData) -> dict[str, Any]:
    """What every person form sends besides name and address: ticked roles and flags."""
    chosen = form.getlist("roles")
    return {"roles": [r for r in chosen if isinstance(r, str)],
            "organisation": field(form, "organisation").strip() or None,
            "consent_publish": field(form, "consent_publish", 2) == "1",
            "language": field(form, "language", 5) or "de", "digest": field(form, "digest", 2) == "1"}


def _change(request: Request, ags: str, form: FormData, form_id: str,
            act: Callable[[Principal, MunicipalityDTO, Language], object], *, roles_required: bool = True) -> Response:
    """Run one change of the coordination; a refusal re-renders the page with the message at its
    field (``form_id`` names the form) and what was typed, a success goes back to the list
    (POST/redirect/GET). No ticked role is refused here: the engine's sentence names the CLI option."""
    principal, municipality = municipality_for(request, ags, Action.MANAGE_PEOPLE)
    lang = language(request)
    failed: dict[str, Any] | None = None
    if roles_required and not form.getlist("roles"):
        failed = {"field": "roles", "message_key": "web.people.roles_missing"}
    else:
        try:
            act(principal, municipality, lang)
        except ZyklusError as exc:
            failed = {"field": _field_of(exc), "message": said(exc, lang)}
    if failed is None:
        return RedirectResponse(f"/kommunen/{municipality.ags}/arbeitsstrukturen?geaendert=1", status_code=303)
    values: dict[str, Any] = {key: value for key, value in form.multi_items() if key not in ("csrf", "roles")}
    values["roles"] = form.getlist("roles")
    return _page(request, ags, status_code=422, failed={"form": form_id, "typed": values, **failed})


@router.post("/kommunen/{ags}/arbeitsstrukturen")
def add_person(request: Request, ags: str, form: Form) -> Response:
    def act(principal: Principal, municipality: MunicipalityDTO, lang: Language) -> object:
        return door(request).cycles.add_person(c.AddPerson(
            ags=municipality.ags, name=field(form, "name"), email=field(form, "email", 320),
            actor=principal.email, **_choices(form)), lang)

    return _change(request, ags, form, NEW, act)


@router.post("/kommunen/{ags}/arbeitsstrukturen/aendern")
def update_person(request: Request, ags: str, form: Form) -> Response:
    email = field(form, "email", 320)

    def act(principal: Principal, municipality: MunicipalityDTO, lang: Language) -> object:
        return door(request).cycles.update_person(c.UpdatePerson(
            ags=municipality.ags, email=email, actor=principal.email, **_choices(form)), lang)

    return _change(request, ags, form, email, act)


@router.post("/kommunen/{ags}/arbeitsstrukturen/entfernen")
def remove_person(request: Request, ags: str, form: Form) -> Response:
    email = field(form, "email", 320)

    def act(principal: Principal, municipality: MunicipalityDTO, lang: Language) -> object:
        return door(request).cycles.remove_person(c.RemovePerson(ags=municipality.ags, email=email,
                                                                 actor=principal.email), lang)

    return _change(request, ags, form, email, act, roles_required=False)


# -- the administrator's GDPR requests ----------------------------------------------------------------
def _admin_person(request: Request, ags: str, form: FormData) -> tuple[Principal, MunicipalityDTO, PersonDTO]:
    """The person of this municipality a GDPR request is about; administrators only."""
    principal = admin(request)
    _principal, municipality = municipality_for(request, ags, principal=principal)
    lang = language(request)
    email = field(form, "email", 320).strip().lower()
    for person in door(request).cycles.people(municipality.ags, lang):
        if person.email == email:
            return principal, municipality, person
    raise NotFound(m("person.unknown", lang, email=email[:320], ags=municipality.ags))


@router.post("/kommunen/{ags}/arbeitsstrukturen/auskunft")
def export_person(request: Request, ags: str, form: Form) -> Response:
    """Everything stored about the person as a JSON download (Art. 15)."""
    _principal, _municipality, person = _admin_person(request, ags, form)
    data = door(request).privacy.export(person.email, language(request))
    body = json.dumps(data.as_json(), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="auskunft.json"', "Cache-Control": "no-store"})


@router.post("/kommunen/{ags}/arbeitsstrukturen/loeschen")
def forget_person(request: Request, ags: str, form: Form) -> Response:
    """Erasure in two steps: the first POST shows what will go, the second (``confirm=1``) erases
    the person in every municipality, the outbox and the maildir (Art. 17)."""
    _principal, municipality, person = _admin_person(request, ags, form)
    if field(form, "confirm", 2) != "1":
        return _page(request, ags, confirm=person)
    door(request).privacy.forget(person.email, language(request))
    return RedirectResponse(f"/kommunen/{municipality.ags}/arbeitsstrukturen?geloescht=1", status_code=303)
