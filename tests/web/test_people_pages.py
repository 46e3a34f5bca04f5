"""*Arbeitsstrukturen* through the browser's forms: the coordination registers, changes and
removes people (each change on record in the history), everyone else who may read only reads,
another municipality's coordination does not even learn the page exists; an administrator
exports and (after confirming) erases a person."""

from __future__ import annotations

import json

from engine_support import AGS, COORDINATOR, DEPUTY, OTHER_AGS, STEERING_ONLY
from web_support import browser, csrf_of, post_form, signed_in

from zyklus.app import Application

PAGE = f"/kommunen/{AGS}/arbeitsstrukturen"
NEW_PERSON = {"name": "Clara Klima", "email": "clara.klima@erfurt.de", "roles": ["core_team"],
              "organisation": "Umweltamt", "language": "en", "digest": "1"}


def _kinds(door: Application) -> list[str]:
    return [entry.kind for entry in door.cycles.history(AGS)]


def test_the_page_groups_people_by_role_with_the_counts(door: Application) -> None:
    page = signed_in(door, COORDINATOR).get(PAGE)
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="page">Arbeitsstrukturen' in html
    assert "Kernteam" in html and "Steuerungsgruppe" in html and "Koordination 0" in html
    assert "15 Personen zählen in dieser Gruppe" in html  # the steering group, nesting included
    assert 'id="neu"' in html and "<legend>Rollen" in html


def test_the_coordination_adds_changes_and_removes_a_person_on_record(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    added = post_form(client, PAGE, PAGE, NEW_PERSON)
    assert added.status_code == 303
    [clara] = [p for p in door.cycles.people(AGS) if p.email == "clara.klima@erfurt.de"]
    assert (clara.roles, clara.organisation, clara.language, clara.digest, clara.consent_publish) == (
        ["core_team"], "Umweltamt", "en", True, False)

    changed = post_form(client, PAGE, f"{PAGE}/aendern", {"email": clara.email, "roles": ["core_team", "mayor_office"],
                                                          "organisation": "Umweltamt", "consent_publish": "1",
                                                          "language": "de"})
    assert changed.status_code == 303
    [clara] = [p for p in door.cycles.people(AGS) if p.email == clara.email]
    assert clara.roles == ["core_team", "mayor_office"] and clara.consent_publish and not clara.digest

    removed = post_form(client, PAGE, f"{PAGE}/entfernen", {"email": clara.email})
    assert removed.status_code == 303
    assert clara.email not in {p.email for p in door.cycles.people(AGS)}

    entries = [e for e in door.cycles.history(AGS) if e.kind.startswith("person_")]
    assert [(e.kind, e.actor, e.details["email"]) for e in entries] == [
        ("person_added", COORDINATOR, clara.email), ("person_changed", COORDINATOR, clara.email),
        ("person_removed", COORDINATOR, clara.email)]
    assert entries[1].details["changed"]["consent_publish"] == {"from": False, "to": True}
    history = client.get(f"/kommunen/{AGS}/verlauf").text
    assert f"Person eingetragen: {clara.email}" in history and f"Person entfernt: {clara.email}" in history
    assert "Person geändert: clara.klima@erfurt.de (Rollen, Einwilligung zur Nennung, Sprache, Sammel-E-Mail)" in history


def test_a_refused_form_keeps_what_was_typed_and_ties_the_message_to_its_field(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, PAGE, PAGE, {**NEW_PERSON, "email": "kein-at-zeichen"})
    assert answer.status_code == 422
    html = answer.text
    assert 'id="neu-error" role="alert"' in html
    assert 'name="email" type="email" required autocomplete="off" value="kein-at-zeichen" aria-invalid="true" ' \
           'aria-describedby="neu-error"' in html
    assert 'value="Clara Klima"' in html and 'value="core_team" checked' in html

    no_role = post_form(client, PAGE, PAGE, {**NEW_PERSON, "roles": []})
    assert no_role.status_code == 422 and "Mindestens eine Rolle ankreuzen." in no_role.text
    assert '<fieldset aria-describedby="neu-error">' in no_role.text
    assert "person_added" not in _kinds(door)


def test_changing_someone_not_registered_says_so(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, PAGE, f"{PAGE}/entfernen", {"email": "niemand@erfurt.de"})
    assert answer.status_code == 422 and 'role="alert">niemand@erfurt.de ist' in answer.text


def test_the_last_coordinator_keeps_the_role(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    assert post_form(client, PAGE, f"{PAGE}/entfernen", {"email": DEPUTY}).status_code == 303
    answer = post_form(client, PAGE, f"{PAGE}/aendern", {"email": COORDINATOR, "roles": ["core_team"],
                                                         "language": "de"})
    assert answer.status_code == 422 and "letzte Person der Koordination" in answer.text
    assert "coordination" in next(p for p in door.cycles.people(AGS) if p.email == COORDINATOR).roles


def test_the_steering_group_reads_but_may_not_change(door: Application) -> None:
    door.cycles.add_person(_command(STEERING_ONLY, ["steering_group"]))
    client = signed_in(door, STEERING_ONLY)
    page = client.get(PAGE)
    assert page.status_code == 200 and 'id="neu"' not in page.text and "/aendern" not in page.text
    token = csrf_of(page.text)
    answer = client.post(PAGE, data={"csrf": token, **NEW_PERSON})
    assert answer.status_code == 403
    assert client.post(f"{PAGE}/entfernen", data={"csrf": token, "email": DEPUTY}).status_code == 403
    assert DEPUTY in {p.email for p in door.cycles.people(AGS)}


def test_another_municipalitys_coordinator_gets_not_found(door: Application) -> None:
    client = signed_in(door, "koordination0@weimar.de")
    assert client.get(f"/kommunen/{OTHER_AGS}/arbeitsstrukturen").status_code == 200
    assert client.get(PAGE).status_code == 404
    token = csrf_of(client.get(f"/kommunen/{OTHER_AGS}/arbeitsstrukturen").text)
    assert client.post(PAGE, data={"csrf": token, **NEW_PERSON}).status_code == 404


def test_a_form_without_the_csrf_value_changes_nothing(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    assert client.post(f"{PAGE}/entfernen", data={"email": DEPUTY}).status_code == 403
    assert DEPUTY in {p.email for p in door.cycles.people(AGS)}


def test_an_administrator_exports_and_after_confirming_erases_a_person(door: Application) -> None:
    door.accounts.add("admin@zyklus.example", admin=True)
    client = signed_in(door, "admin@zyklus.example")
    exported = post_form(client, PAGE, f"{PAGE}/auskunft", {"email": DEPUTY})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/json")
    assert json.loads(exported.text)["email"] == DEPUTY

    asked = post_form(client, PAGE, f"{PAGE}/loeschen", {"email": DEPUTY})
    assert asked.status_code == 200 and "Daten wirklich löschen?" in asked.text
    assert DEPUTY in {p.email for p in door.cycles.people(AGS)}  # nothing erased before the confirmation
    done = client.post(f"{PAGE}/loeschen", data={"csrf": csrf_of(asked.text), "email": DEPUTY, "confirm": "1"})
    assert done.status_code == 303
    assert DEPUTY not in {p.email for p in door.cycles.people(AGS)}


def test_the_coordination_may_not_export_or_erase(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    assert post_form(client, PAGE, f"{PAGE}/auskunft", {"email": DEPUTY}).status_code == 403
    assert post_form(client, PAGE, f"{PAGE}/loeschen", {"email": DEPUTY, "confirm": "1"}).status_code == 403


def test_signed_out_the_page_asks_to_sign_in(door: Application) -> None:
    answer = browser(door).get(PAGE)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/anmelden?next=")


def _command(email: str, roles: list[str]):
    from zyklus.app.commands import AddPerson

    return AddPerson(ags=AGS, name="Sigrid Steuerung", email=email, roles=roles)
