"""User-facing text in German (default) and English.

One flat catalogue keeps every sentence a user can read in one place, so a translator edits a
single file and a missing translation is caught by a unit test instead of in a town hall.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # --- input validation -------------------------------------------------------------------
    "ags.invalid": {
        "de": "Ungültiger Amtlicher Gemeindeschlüssel {value!r}: erwartet werden genau 8 Ziffern.",
        "en": "Invalid municipality key (AGS) {value!r}: exactly 8 digits expected.",
    },
    "date.invalid": {
        "de": "Ungültiges Datum {value!r}: erwartet wird JJJJ-MM-TT, z. B. 2027-03-15.",
        "en": "Invalid date {value!r}: expected YYYY-MM-DD, e.g. 2027-03-15.",
    },
    "datetime.invalid": {
        "de": "Ungültiger Zeitpunkt {value!r}: erwartet wird ISO 8601, z. B. 2027-03-15T08:00.",
        "en": "Invalid moment {value!r}: expected ISO 8601, e.g. 2027-03-15T08:00.",
    },
    "email.invalid": {
        "de": "Ungültige E-Mail-Adresse {value!r}.",
        "en": "Invalid e-mail address {value!r}.",
    },
    "text.control": {
        "de": "{field} darf keine Zeilenumbrüche oder Steuerzeichen enthalten.",
        "en": "{field} must not contain line breaks or control characters.",
    },
    "text.empty": {"de": "{field} darf nicht leer sein.", "en": "{field} must not be empty."},
    "text.too_long": {
        "de": "{field} ist zu lang ({length} Zeichen, höchstens {limit}).",
        "en": "{field} is too long ({length} characters, at most {limit}).",
    },
    "state.invalid": {
        "de": "Unbekanntes Bundesland {value!r}; erlaubt: {allowed}.",
        "en": "Unknown federal state {value!r}; allowed: {allowed}.",
    },
    "kind.invalid": {
        "de": "Unbekannte Art der Kommune {value!r}; erlaubt: {allowed}.",
        "en": "Unknown kind of municipality {value!r}; allowed: {allowed}.",
    },
    "role.invalid": {
        "de": "Unbekannte Rolle {value!r}; erlaubt: {allowed}.",
        "en": "Unknown role {value!r}; allowed: {allowed}.",
    },
    "role.missing": {
        "de": "Mindestens eine Rolle angeben (--role).",
        "en": "Give at least one role (--role).",
    },
    "set.malformed": {
        "de": "--set erwartet FELD=WERT, nicht {value!r}.",
        "en": "--set expects FIELD=VALUE, not {value!r}.",
    },
    "field.unknown": {
        "de": "Der Nachweis {fact!r} hat kein Feld {field!r}; Felder: {allowed}.",
        "en": "The fact {fact!r} has no field {field!r}; fields: {allowed}.",
    },
    "field.missing": {
        "de": "Für den Nachweis {fact!r} fehlt das Pflichtfeld {field!r} (--set {field}=…).",
        "en": "The fact {fact!r} needs the field {field!r} (--set {field}=…).",
    },
    "field.bad_value": {
        "de": "Feld {field!r}: {problem}",
        "en": "Field {field!r}: {problem}",
    },
    "value.integer": {"de": "{value!r} ist keine ganze Zahl.", "en": "{value!r} is not an integer."},
    "value.number": {"de": "{value!r} ist keine Zahl.", "en": "{value!r} is not a number."},
    "value.url": {
        "de": "{value!r} ist keine http(s)-Adresse.",
        "en": "{value!r} is not an http(s) address.",
    },
    "value.choice": {
        "de": "{value!r} ist nicht erlaubt; möglich: {allowed}.",
        "en": "{value!r} is not allowed; choose from: {allowed}.",
    },
    # --- lookups ----------------------------------------------------------------------------
    "municipality.unknown": {
        "de": "Keine Kommune mit dem Schlüssel {ags} registriert.",
        "en": "No municipality registered with key {ags}.",
    },
    "municipality.duplicate": {
        "de": "Die Kommune {ags} ist bereits registriert.",
        "en": "Municipality {ags} is already registered.",
    },
    "person.duplicate": {
        "de": "{email} ist für {ags} bereits registriert.",
        "en": "{email} is already registered for {ags}.",
    },
    "person.unknown": {
        "de": "{email} ist für {ags} nicht als Person registriert.",
        "en": "{email} is not registered as a person of {ags}.",
    },
    "person.nowhere": {
        "de": "{email} ist bei keiner Kommune registriert.",
        "en": "{email} is not registered with any municipality.",
    },
    "person.forgotten": {
        "de": "{email} wurde gelöscht; im Verlauf steht nun {pseudonym}.",
        "en": "{email} was erased; the history now shows {pseudonym}.",
    },
    "workflow.unknown": {
        "de": "Unbekannter Ablauf {name!r}; verfügbar: {allowed}.",
        "en": "Unknown workflow {name!r}; available: {allowed}.",
    },
    "fact.unknown": {
        "de": "Der Ablauf {workflow} kennt keinen Nachweis {fact!r}; bekannt: {allowed}.",
        "en": "Workflow {workflow} has no fact {fact!r}; known: {allowed}.",
    },
    "cycle.none": {
        "de": "Für {ags} läuft kein Zyklus. Starten mit: zyklus cycle start {ags}",
        "en": "No cycle is running for {ags}. Start one with: zyklus cycle start {ags}",
    },
    "cycle.running": {
        "de": "Für {ags} läuft bereits Zyklus {number} (Phase {phase}).",
        "en": "Cycle {number} is already running for {ags} (phase {phase}).",
    },
    "cycle.number_unknown": {
        "de": "Für {ags} gibt es keinen Zyklus {number}.",
        "en": "{ags} has no cycle {number}.",
    },
    "cycle.finished": {
        "de": "Zyklus {number} von {ags} ist abgeschlossen; Nachweise gehören in den laufenden Zyklus.",
        "en": "Cycle {number} of {ags} is completed; facts belong to the running cycle.",
    },
    "cycle.conflict": {
        "de": "Der Zyklus von {ags} wurde gerade von jemand anderem geändert; bitte Status prüfen und erneut versuchen.",
        "en": "The cycle of {ags} was just changed by someone else; check the status and try again.",
    },
    "date.before_phase": {
        "de": "Das Datum {on} liegt vor dem Beginn der aktuellen Phase ({since}).",
        "en": "The date {on} lies before the start of the current phase ({since}).",
    },
    "permission.denied": {
        "de": "{email} darf {trigger!r} nicht auslösen; nötig ist eine dieser Rollen: {roles}.",
        "en": "{email} may not fire {trigger!r}; it needs one of these roles: {roles}.",
    },
    "trigger.none": {
        "de": "Aus der Phase {phase} führt kein Übergang {trigger!r}.",
        "en": "There is no transition {trigger!r} out of phase {phase}.",
    },
    "transition.refused": {
        "de": "Übergang von {source} abgelehnt; es fehlt:",
        "en": "Transition out of {source} refused; missing:",
    },
    "config.unknown_key": {
        "de": "{path}: unbekannter Schlüssel {key!r}.",
        "en": "{path}: unknown key {key!r}.",
    },
    "config.secret": {
        "de": "{path}: {key!r} gehört nicht in die Konfigurationsdatei; setzen Sie die Umgebungsvariable {env}.",
        "en": "{path}: {key!r} does not belong in the config file; set the environment variable {env}.",
    },
    "config.malformed": {
        "de": "{path}: kein gültiges TOML: {error}",
        "en": "{path}: not valid TOML: {error}",
    },
    "config.bad_value": {
        "de": "{path}: {key}: {problem}",
        "en": "{path}: {key}: {problem}",
    },
    "config.missing_file": {
        "de": "Konfigurationsdatei {path} nicht gefunden.",
        "en": "Config file {path} not found.",
    },
    "db.unreachable": {
        "de": "Datenbank nicht erreichbar: {error}",
        "en": "Database unreachable: {error}",
    },
    "db.not_initialised": {
        "de": "Die Datenbank ist nicht eingerichtet; bitte zuerst `zyklus init` ausführen.",
        "en": "The database is not initialised; run `zyklus init` first.",
    },
    # --- guards -----------------------------------------------------------------------------
    "guard.fact_recorded": {
        "de": "Nachweis „{fact}“ muss in diesem Zyklus erfasst sein.",
        "en": "The fact “{fact}” must be recorded in this cycle.",
    },
    "guard.fact_count": {
        "de": "Mindestens {min} × „{fact}“ nötig, bisher {count}.",
        "en": "At least {min} × “{fact}” needed, so far {count}.",
    },
    "guard.role_count.min": {
        "de": "{role}: mindestens {min} Personen nötig, registriert sind {count}.",
        "en": "{role}: at least {min} people needed, {count} registered.",
    },
    "guard.role_count.max": {
        "de": "{role}: höchstens {max} Personen vorgesehen, registriert sind {count}.",
        "en": "{role}: at most {max} people intended, {count} registered.",
    },
    "guard.role_count.range": {
        "de": "{role}: vorgesehen sind ca. {min}–{max} Personen, registriert sind {count}.",
        "en": "{role}: about {min}–{max} people intended, {count} registered.",
    },
    "guard.role_count.exact": {
        "de": "{role}: genau {min} Personen vorgesehen, registriert sind {count}.",
        "en": "{role}: exactly {min} people intended, {count} registered.",
    },
    "guard.fields_present": {
        "de": "Im Nachweis „{fact}“ fehlen Angaben: {fields}.",
        "en": "The fact “{fact}” lacks: {fields}.",
    },
    "guard.fields_present.no_fact": {
        "de": "Nachweis „{fact}“ mit den Angaben {fields} muss erfasst sein.",
        "en": "The fact “{fact}” with {fields} must be recorded.",
    },
    # --- CLI output -------------------------------------------------------------------------
    "init.done": {"de": "Datenbank eingerichtet: {url}", "en": "Database ready: {url}"},
    "municipality.added": {
        "de": "Kommune {name} ({ags}) registriert.",
        "en": "Registered municipality {name} ({ags}).",
    },
    "person.added": {
        "de": "{name} <{email}> für {ags} registriert: {roles}.",
        "en": "Registered {name} <{email}> for {ags}: {roles}.",
    },
    "cycle.started": {
        "de": "Zyklus {number} für {ags} gestartet ({workflow} {version}); Phase: {phase}, fällig am {due}.",
        "en": "Started cycle {number} for {ags} ({workflow} {version}); phase: {phase}, due on {due}.",
    },
    "fact.recorded": {
        "de": "Nachweis „{fact}“ für {ags} am {on} erfasst.",
        "en": "Recorded “{fact}” for {ags} on {on}.",
    },
    "advance.done": {
        "de": "{ags}: {source} → {dest} am {on}.",
        "en": "{ags}: {source} → {dest} on {on}.",
    },
    "advance.completed": {
        "de": "{ags}: Zyklus {number} abgeschlossen am {on}.",
        "en": "{ags}: cycle {number} completed on {on}.",
    },
    "advance.restarted": {
        "de": "{ags}: Zyklus {number} beginnt am {on} in Phase {phase}.",
        "en": "{ags}: cycle {number} begins on {on} in phase {phase}.",
    },
    "advance.restart_planned": {
        "de": "{ags}: der nächste Zyklus beginnt am {on}.",
        "en": "{ags}: the next cycle begins on {on}.",
    },
    "advance.warning": {"de": "Hinweis: {message}", "en": "Note: {message}"},
    "deadline.set": {
        "de": "{ags}: Frist der Phase {phase} auf {due} gesetzt.",
        "en": "{ags}: deadline of phase {phase} set to {due}.",
    },
    "status.none": {"de": "Keine Kommunen registriert.", "en": "No municipalities registered."},
    "status.no_cycle": {"de": "kein laufender Zyklus", "en": "no running cycle"},
    "status.completed": {"de": "abgeschlossen", "en": "completed"},
    "status.waiting": {
        "de": "Zyklus {number} abgeschlossen; der nächste beginnt am {on}.",
        "en": "Cycle {number} completed; the next begins on {on}.",
    },
    "status.phase": {
        "de": "Phase: {phase} (seit {since}), fällig am {due}",
        "en": "Phase: {phase} (since {since}), due on {due}",
    },
    "status.ready": {
        "de": "Alle Bedingungen erfüllt. Weiter mit: {command}",
        "en": "All conditions met. Continue with: {command}",
    },
    "status.missing": {"de": "Noch offen:", "en": "Still missing:"},
    "status.next": {"de": "Nächster Schritt:", "en": "Next step:"},
    "status.overdue": {"de": "überfällig", "en": "overdue"},
    "history.empty": {"de": "Noch kein Verlauf.", "en": "No history yet."},
    "col.ags": {"de": "AGS", "en": "AGS"},
    "col.name": {"de": "Name", "en": "Name"},
    "col.state": {"de": "Land", "en": "State"},
    "col.kind": {"de": "Art", "en": "Kind"},
    "col.email": {"de": "E-Mail", "en": "E-mail"},
    "col.roles": {"de": "Rollen", "en": "Roles"},
    "col.cycle": {"de": "Zyklus", "en": "Cycle"},
    "col.phase": {"de": "Phase", "en": "Phase"},
    "col.since": {"de": "seit", "en": "since"},
    "col.due": {"de": "fällig", "en": "due"},
    "col.on": {"de": "Datum", "en": "Date"},
    "col.actor": {"de": "wer", "en": "who"},
    "col.what": {"de": "was", "en": "what"},
    "col.reason": {"de": "Begründung", "en": "Reason"},
    "history.start": {"de": "Zyklus gestartet", "en": "cycle started"},
    "history.complete": {"de": "Zyklus abgeschlossen", "en": "cycle completed"},
    "history.deadline": {"de": "Frist geändert: {due}", "en": "deadline changed: {due}"},
    "history.fact": {"de": "Nachweis: {fact}", "en": "fact: {fact}"},
    "history.migrate": {"de": "Ablauf-Version gewechselt", "en": "workflow version changed"},
    "role.coordination": {"de": "Koordination", "en": "Coordination"},
    "role.core_team": {"de": "Kernteam", "en": "Core team"},
    "role.steering_group": {"de": "Steuerungsgruppe", "en": "Steering group"},
    "role.mayor_office": {"de": "Büro der Verwaltungsspitze", "en": "Mayor's office"},
    "outbox.unknown": {
        "de": "Postausgang #{id}: keine fehlgeschlagene oder wartende E-Mail mit dieser Nummer.",
        "en": "Outbox #{id}: no failed or waiting mail with this number.",
    },
    "phase.completed": {"de": "Abgeschlossen", "en": "Completed"},
}


def t(key: str, lang: Language = "de", /, **values: object) -> str:
    """Translate ``key`` and fill in ``values``; fall back to German, never to a raw key."""
    entry = MESSAGES[key]
    return (entry.get(lang) or entry["de"]).format(**values)


def format_date(value: dt.date | None, lang: Language = "de") -> str:
    """German text writes 15.03.2027 (DIN 5008 numeric form); English text uses ISO 8601."""
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
