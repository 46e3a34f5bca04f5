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
    "ags.state_mismatch": {
        "de": "Der Schlüssel {ags} gehört nicht zu {state}: Schlüssel in {state} beginnen mit {prefix}.",
        "en": "Key {ags} does not belong to {state}: keys in {state} begin with {prefix}.",
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
        "de": "Ungültige E-Mail-Adresse {value!r}: erwartet wird genau eine Adresse wie name@kommune.de, "
              "ohne Namen, spitze Klammern, Anführungszeichen, Leerzeichen, Komma oder Semikolon.",
        "en": "Invalid e-mail address {value!r}: expected exactly one address like name@town.example, "
              "without a name, angle brackets, quotes, spaces, comma or semicolon.",
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
    "language.invalid": {
        "de": "Unbekannte Sprache {value!r}; erlaubt: {allowed}.",
        "en": "Unknown language {value!r}; allowed: {allowed}.",
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
    "person.log_busy": {
        "de": "Warnung: ein anderer Prozess liest die Datenbank; ihr Write-Ahead-Log (Datei -wal) kann noch alte "
              "Daten enthalten, bis es geleert wird (spätestens wenn alle Prozesse die Datenbank geschlossen haben).",
        "en": "Warning: another process is reading the database; its write-ahead log (the -wal file) may still "
              "hold old data until it is emptied (at the latest when every process has closed the database).",
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
        "de": "{role}: mindestens {min_people} nötig, registriert sind {count}.",
        "en": "{role}: at least {min_people} needed, {count} registered.",
    },
    "guard.role_count.max": {
        "de": "{role}: höchstens {max_people} vorgesehen, registriert sind {count}.",
        "en": "{role}: at most {max_people} intended, {count} registered.",
    },
    "guard.role_count.range": {
        "de": "{role}: vorgesehen sind ca. {min}–{max} Personen, registriert sind {count}.",
        "en": "{role}: about {min}–{max} people intended, {count} registered.",
    },
    "guard.role_count.exact": {
        "de": "{role}: genau {min_people} vorgesehen, registriert sind {count}.",
        "en": "{role}: exactly {min_people} intended, {count} registered.",
    },
    "guard.fields_present": {
        "de": "Im Nachweis „{fact}“ fehlen Angaben: {fields}.",
        "en": "The fact “{fact}” lacks: {fields}.",
    },
    "guard.fields_present.no_fact": {
        "de": "Nachweis „{fact}“ mit den Angaben {fields} muss erfasst sein.",
        "en": "The fact “{fact}” with {fields} must be recorded.",
    },
    "guard.label.fact_recorded": {"de": "Nachweis „{fact}“ erfasst", "en": "“{fact}” recorded"},
    "guard.label.fact_count": {"de": "mindestens {min} × „{fact}“", "en": "at least {min} × “{fact}”"},
    "guard.label.role_count.min": {"de": "{role}: mindestens {min}", "en": "{role}: at least {min}"},
    "guard.label.role_count.max": {"de": "{role}: höchstens {max}", "en": "{role}: at most {max}"},
    "guard.label.role_count.range": {"de": "{role}: {min} bis {max}", "en": "{role}: {min} to {max}"},
    "guard.label.role_count.exact": {"de": "{role}: genau {min}", "en": "{role}: exactly {min}"},
    "people.one": {"de": "1 Person", "en": "1 person"},
    "people.many": {"de": "{n} Personen", "en": "{n} people"},
    "guard.label.fields_present": {"de": "„{fact}“ mit {fields}", "en": "“{fact}” with {fields}"},
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
    # --- workflow variants (zyklus workflow …) ------------------------------------------------
    "workflow.file_missing": {
        "de": "Datei {path} nicht gefunden.",
        "en": "File {path} not found.",
    },
    "validate.ok": {
        "de": "{file}: gültig ({name}, Version {version}); {warnings} Warnung(en).",
        "en": "{file}: valid ({name}, version {version}); {warnings} warning(s).",
    },
    "validate.failed": {
        "de": "{file}: {errors} Fehler, {warnings} Warnung(en).",
        "en": "{file}: {errors} error(s), {warnings} warning(s).",
    },
    "validate.warning": {"de": "Warnung: {line}", "en": "warning: {line}"},
    "list.shipped": {"de": "mitgeliefert", "en": "shipped"},
    "list.invalid": {"de": "ungültig", "en": "invalid"},
    "list.no_database": {
        "de": "(keine eingerichtete Datenbank: gespeicherte Versionen nicht angezeigt)",
        "en": "(no initialised database: stored versions not shown)",
    },
    "list.running": {"de": "{version} ({count} laufend)", "en": "{version} ({count} running)"},
    "col.workflow": {"de": "Ablauf", "en": "Workflow"},
    "col.label": {"de": "Bezeichnung", "en": "Label"},
    "col.version": {"de": "Version", "en": "Version"},
    "col.source": {"de": "Quelle", "en": "Source"},
    "col.stored": {"de": "gespeicherte Versionen", "en": "stored versions"},
    "show.version": {"de": "Version", "en": "version"},
    "show.extends": {"de": "erweitert {parent}", "en": "extends {parent}"},
    "show.source": {"de": "Quelle", "en": "Source"},
    "show.phases": {"de": "Phasen (in Ablaufreihenfolge):", "en": "Phases (in process order):"},
    "show.open_ended": {"de": "ohne Frist", "en": "no due date"},
    "show.reminders": {"de": "Erinnerungen", "en": "Reminders"},
    "show.reminders.none": {"de": "keine", "en": "none"},
    "show.reminders.enter": {"de": "bei Beginn", "en": "on entry"},
    "show.reminders.before": {"de": "{offsets} vorher", "en": "{offsets} before"},
    "show.reminders.due": {"de": "am Fälligkeitstag", "en": "on the due date"},
    "show.reminders.overdue": {
        "de": "überfällig alle {every} (höchstens {max}×)",
        "en": "when overdue every {every} (at most {max}×)",
    },
    "show.reminders.escalate": {
        "de": "{after} nach der Frist auch an {roles}",
        "en": "{after} after the due date also to {roles}",
    },
    "show.review": {"de": "Überprüfung", "en": "Review"},
    "show.every": {"de": "alle {every}", "en": "every {every}"},
    "show.transitions": {"de": "Übergänge und ihre Bedingungen:", "en": "Transitions and their conditions:"},
    "show.may_fire": {"de": "auslösen darf", "en": "may fire"},
    "show.severity.block": {"de": "blockiert", "en": "blocks"},
    "show.severity.warn": {"de": "nur Hinweis", "en": "warning only"},
    "show.events": {"de": "Programmtermine:", "en": "Programme dates:"},
    "show.after_start": {"de": "{after} nach Zyklusbeginn", "en": "{after} after the cycle starts"},
    "show.only_cycle": {"de": "nur in Zyklus {n}", "en": "only in cycle {n}"},
    "show.every_cycle": {"de": "in jedem Zyklus", "en": "in every cycle"},
    "show.restart": {
        "de": "Nächster Zyklus: beginnt in Phase {phase}, {after} nach {anchor}.",
        "en": "Next cycle: begins in phase {phase}, {after} after {anchor}.",
    },
    "show.restart.completion": {"de": "dem Abschluss", "en": "completion"},
    "show.restart.previous_start": {"de": "dem Beginn des vorigen Zyklus", "en": "the start of the previous cycle"},
    "show.restart.at_once": {
        "de": "Nächster Zyklus: beginnt sofort nach dem Abschluss in Phase {phase}.",
        "en": "Next cycle: begins right after completion in phase {phase}.",
    },
    "show.no_restart": {"de": "Kein nächster Zyklus vorgesehen.", "en": "No next cycle is planned."},
    "show.award": {"de": "Auszeichnung nach dem ersten Zyklus: {label}", "en": "Award after the first cycle: {label}"},
    "show.next_cycle": {"de": "nächster Zyklus", "en": "next cycle"},
    "duration.year.one": {"de": "{n} Jahr", "en": "{n} year"},
    "duration.year.other": {"de": "{n} Jahre", "en": "{n} years"},
    "duration.month.one": {"de": "{n} Monat", "en": "{n} month"},
    "duration.month.other": {"de": "{n} Monate", "en": "{n} months"},
    "duration.day.one": {"de": "{n} Tag", "en": "{n} day"},
    "duration.day.other": {"de": "{n} Tage", "en": "{n} days"},
    "version.too_short": {
        "de": "Version {version!r} ist zu kurz; mindestens {min} Zeichen des Hashes angeben oder 'current'.",
        "en": "Version {version!r} is too short; give at least {min} characters of the hash, or 'current'.",
    },
    "version.unknown": {
        "de": "Keine gespeicherte Version {version!r} von {workflow}; 'zyklus workflow list' zeigt die gespeicherten.",
        "en": "No stored version {version!r} of {workflow}; 'zyklus workflow list' shows the stored ones.",
    },
    "version.ambiguous": {
        "de": "Version {version!r} ist mehrdeutig: {candidates}.",
        "en": "Version {version!r} is ambiguous: {candidates}.",
    },
    "version.other_variant": {
        "de": "Version {version} gehört zum Ablauf {variant}, nicht zu {workflow}.",
        "en": "Version {version} belongs to workflow {variant}, not to {workflow}.",
    },
    "migrate.scope": {
        "de": "Genau eines angeben: --ags AGS (eine Kommune) oder --all (alle laufenden Zyklen des Ablaufs).",
        "en": "Give exactly one of --ags AGS (one municipality) and --all (every running cycle of the workflow).",
    },
    "migrate.map_malformed": {
        "de": "--map erwartet ALTE_PHASE=NEUE_PHASE, nicht {value!r}.",
        "en": "--map expects OLD_PHASE=NEW_PHASE, not {value!r}.",
    },
    "migrate.map_twice": {
        "de": "--map ordnet die Phase {phase!r} zweimal verschieden zu.",
        "en": "--map maps phase {phase!r} twice, differently.",
    },
    "migrate.map_unknown_target": {
        "de": "--map: Version {version} hat keine Phase {phases}; Phasen: {allowed}.",
        "en": "--map: version {version} has no phase {phases}; phases: {allowed}.",
    },
    "migrate.map_unknown_source": {
        "de": "--map: keine laufende Version von {workflow} hat eine Phase {phases}.",
        "en": "--map: no running version of {workflow} has a phase {phases}.",
    },
    "migrate.no_cycle": {
        "de": "{ags} hat keinen laufenden Zyklus des Ablaufs {workflow}.",
        "en": "{ags} has no running cycle of workflow {workflow}.",
    },
    "migrate.no_counterpart": {
        "de": "{ags} Zyklus {number}: die Phase {phase!r} gibt es in Version {version} nicht; mit --map {phase}=PHASE zuordnen (Phasen: {allowed}).",
        "en": "{ags} cycle {number}: phase {phase!r} does not exist in version {version}; map it with --map {phase}=PHASE (phases: {allowed}).",
    },
    "migrate.refused": {
        "de": "Migration abgelehnt, nichts geändert: {count} Zyklus/Zyklen ohne Gegenstück.",
        "en": "Migration refused, nothing changed: {count} cycle(s) without a counterpart.",
    },
    "migrate.none": {
        "de": "Keine laufenden Zyklen von {workflow} betroffen.",
        "en": "No running cycles of {workflow} affected.",
    },
    "migrate.header": {
        "de": "Migration von {workflow} auf Version {version} ({count} Zyklus/Zyklen):",
        "en": "Migrating {workflow} to version {version} ({count} cycle(s)):",
    },
    "migrate.dry_run": {
        "de": "Probelauf: nichts wurde geändert.",
        "en": "Dry run: nothing was changed.",
    },
    "migrate.done": {
        "de": "{count} Zyklus/Zyklen auf Version {version} umgestellt.",
        "en": "Moved {count} cycle(s) to version {version}.",
    },
    "migrate.cycle": {
        "de": "{ags} {name}, Zyklus {number}: {from_version} → {to_version}",
        "en": "{ags} {name}, cycle {number}: {from_version} → {to_version}",
    },
    "migrate.up_to_date": {
        "de": "{ags} {name}, Zyklus {number}: bereits auf Version {version}.",
        "en": "{ags} {name}, cycle {number}: already on version {version}.",
    },
    "migrate.same_phase": {
        "de": "Phase {phase} bleibt; Frist bleibt {due}.",
        "en": "Phase {phase} stays; due date stays {due}.",
    },
    "migrate.new_phase": {
        "de": "Phase {phase} → {to_phase} ab {on}; neue Frist {due}.",
        "en": "Phase {phase} → {to_phase} from {on}; new due date {due}.",
    },
    "migrate.unmet": {
        "de": "Noch offen in der neuen Version:",
        "en": "Still missing in the new version:",
    },
    "migrate.unmet_new": {"de": "(neu)", "en": "(new)"},
    "migrate.all_met": {
        "de": "Alle Bedingungen der neuen Version erfüllt.",
        "en": "All conditions of the new version are met.",
    },
    "migrate.orphans": {
        "de": "Nachweise, die die neue Version nicht kennt (bleiben erhalten, zählen nicht mehr): {facts}",
        "en": "Facts the new version does not know (kept, no longer counted): {facts}",
    },
    "simulate.title": {
        "de": "Geplanter Ablauf von {workflow} ({version}) ab {start} in {state}; jede Phase endet an ihrem Fälligkeitstag.",
        "en": "Planned timeline of {workflow} ({version}) from {start} in {state}; each phase ends on its due date.",
    },
    "simulate.phase": {
        "de": "Phase {phase}: {start} bis {due}",
        "en": "Phase {phase}: {start} to {due}",
    },
    "simulate.open_ended": {
        "de": "Phase {phase} ab {start}: ohne Frist; die Simulation nimmt an, dass sie am selben Tag endet.",
        "en": "Phase {phase} from {start}: no due date; the simulation assumes it ends the same day.",
    },
    "simulate.shifted": {
        "de": "verschoben vom {planned} ({reasons})",
        "en": "moved from {planned} ({reasons})",
    },
    "simulate.completed": {
        "de": "Zyklus abgeschlossen am {on}.",
        "en": "Cycle completed on {on}.",
    },
    "simulate.restart": {
        "de": "Der nächste Zyklus beginnt am {on} in Phase {phase}.",
        "en": "The next cycle begins on {on} in phase {phase}.",
    },
    "simulate.too_far": {
        "de": "Die Simulation endet bei {phase}: ein Datum läge nach dem Jahr 9999.",
        "en": "The simulation stops at {phase}: a date would lie after the year 9999.",
    },
    "simulate.reminders": {"de": "Erinnerungen ({count}):", "en": "Reminders ({count}):"},
    "simulate.kind.enter": {"de": "Phase beginnt", "en": "phase begins"},
    "simulate.kind.before": {"de": "Erinnerung vor der Frist", "en": "reminder before the due date"},
    "simulate.kind.due": {"de": "Frist heute", "en": "due today"},
    "simulate.kind.review": {"de": "Überprüfung", "en": "review"},
    "simulate.kind.event": {"de": "Programmtermin", "en": "programme date"},
    # --- action programme: indicators, goals, measures (engine/indicators) ------------------
    "programme.cycle_completed": {
        "de": "Zyklus {number} von {ags} ist abgeschlossen; das Handlungsprogramm wird im nächsten Zyklus fortgeschrieben (Beginn: {on}).",
        "en": "Cycle {number} of {ags} is completed; the action programme continues in the next cycle (begins: {on}).",
    },
    "programme.permission": {
        "de": "{email} darf das Handlungsprogramm nicht ändern; das dürfen {roles}.",
        "en": "{email} may not change the action programme; {roles} may.",
    },
    "indicator.key_invalid": {
        "de": "Ungültige Kennung {value!r}: erlaubt sind Buchstaben, Ziffern, Punkt, Binde- und Unterstrich (höchstens 64 Zeichen).",
        "en": "Invalid id {value!r}: use letters, digits, dot, hyphen and underscore (at most 64 characters).",
    },
    "indicator.sdg_invalid": {
        "de": "SDG {value!r} gibt es nicht: die Nachhaltigkeitsziele sind von 1 bis 17 nummeriert.",
        "en": "There is no SDG {value!r}: the goals are numbered 1 to 17.",
    },
    "indicator.year_invalid": {
        "de": "Ungültiges Jahr {value!r}: erwartet wird eine Jahreszahl von {low} bis {high}.",
        "en": "Invalid year {value!r}: expected a year from {low} to {high}.",
    },
    "indicator.decimals_invalid": {
        "de": "Nachkommastellen {value!r}: erlaubt sind 0 bis {high}.",
        "en": "Decimal places {value!r}: 0 to {high} allowed.",
    },
    "indicator.direction_invalid": {
        "de": "Unbekannte Zielrichtung {value!r}; erlaubt: {allowed}.",
        "en": "Unknown direction {value!r}; allowed: {allowed}.",
    },
    "indicator.values_due_invalid": {
        "de": "{value!r} ist kein Tag im Jahr: bitte MM-TT angeben, z. B. 03-31 für den 31. März (nicht 02-29).",
        "en": "{value!r} is not a day of the year: give MM-DD, e.g. 03-31 for 31 March (not 02-29).",
    },
    "indicator.target_malformed": {
        "de": "Zielwert {value!r}: erwartet wird JAHR=WERT, z. B. 2030=5,5.",
        "en": "Target {value!r}: expected YEAR=VALUE, e.g. 2030=5.5.",
    },
    "indicator.target_duplicate": {
        "de": "Für das Jahr {year} ist mehr als ein Zielwert angegeben.",
        "en": "More than one target is given for {year}.",
    },
    "indicator.band_missing": {
        "de": "Zielrichtung „band“ braucht eine Untergrenze (band_low) unter der Obergrenze (band_high).",
        "en": "Direction “band” needs a lower bound (band_low) below the upper bound (band_high).",
    },
    "indicator.band_unexpected": {
        "de": "Unter- und Obergrenze gibt es nur bei Zielrichtung „band“.",
        "en": "Lower and upper bounds belong to direction “band” only.",
    },
    "indicator.band_targets": {
        "de": "Ein Indikator mit Zielkorridor (band) hat keine Zielwerte: der Korridor ist das Ziel.",
        "en": "An indicator with a band has no target values: the band is the target.",
    },
    "indicator.baseline_incomplete": {
        "de": "Der Ausgangswert braucht Jahr und Wert (baseline_year und baseline_value).",
        "en": "The baseline needs a year and a value (baseline_year and baseline_value).",
    },
    "indicator.target_before_baseline": {
        "de": "Das Zieljahr {year} muss nach dem Ausgangsjahr {baseline} liegen.",
        "en": "The target year {year} must come after the baseline year {baseline}.",
    },
    "indicator.unknown": {
        "de": "{ags} hat in Zyklus {number} keinen Indikator {key!r}; `zyklus indicator list {ags}` zeigt alle.",
        "en": "{ags} has no indicator {key!r} in cycle {number}; `zyklus indicator list {ags}` shows all.",
    },
    "indicator.duplicate": {
        "de": "Den Indikator {key!r} gibt es in Zyklus {number} von {ags} bereits.",
        "en": "Indicator {key!r} already exists in cycle {number} of {ags}.",
    },
    "catalogue.unknown": {
        "de": "Der Katalog enthält keinen Indikator {key!r}; `zyklus indicator catalogue` listet alle.",
        "en": "The catalogue has no indicator {key!r}; `zyklus indicator catalogue` lists them all.",
    },
    "catalogue.nothing": {
        "de": "Indikatoren aus dem Katalog angeben oder --all.",
        "en": "Name catalogue indicators or give --all.",
    },
    "goal.unknown": {
        "de": "{ags} hat in Zyklus {number} kein Ziel {key!r}; anlegen mit `zyklus goal add {ags} {key} …`.",
        "en": "{ags} has no goal {key!r} in cycle {number}; add it with `zyklus goal add {ags} {key} …`.",
    },
    "goal.duplicate": {
        "de": "Das Ziel {key!r} gibt es in Zyklus {number} von {ags} bereits.",
        "en": "Goal {key!r} already exists in cycle {number} of {ags}.",
    },
    "measure.unknown": {
        "de": "{ags} hat in Zyklus {number} keine Maßnahme {key!r}.",
        "en": "{ags} has no measure {key!r} in cycle {number}.",
    },
    "measure.duplicate": {
        "de": "Die Maßnahme {key!r} gibt es in Zyklus {number} von {ags} bereits.",
        "en": "Measure {key!r} already exists in cycle {number} of {ags}.",
    },
    "measure.no_theme": {
        "de": "Eine Maßnahme gehört zu einem Ziel (--goal) oder einem Themenfeld (--theme).",
        "en": "A measure belongs to a goal (--goal) or a theme field (--theme).",
    },
    "measure.dates": {
        "de": "Das geplante Ende {end} liegt vor dem geplanten Beginn {start}.",
        "en": "The planned end {end} lies before the planned start {start}.",
    },
    "measure.status_invalid": {
        "de": "Unbekannter Stand {value!r}; erlaubt: {allowed}.",
        "en": "Unknown status {value!r}; allowed: {allowed}.",
    },
    "import.rejected": {
        "de": "Import aus {file} abgelehnt, nichts wurde gespeichert ({count} Fehler):",
        "en": "Import from {file} refused, nothing was stored ({count} problems):",
    },
    "import.columns": {
        "de": "Spalten passen nicht – unbekannt: {unknown}; fehlend: {missing}; möglich sind: {expected}.",
        "en": "Columns do not match – unknown: {unknown}; missing: {missing}; possible: {expected}.",
    },
    "import.row": {"de": "  Zeile {line}, Spalte {column}: {problem}", "en": "  line {line}, column {column}: {problem}"},
    "import.extra_cells": {
        "de": "mehr Zellen als Spalten (Trennzeichen im Text? Dann Zelle in Anführungszeichen setzen).",
        "en": "more cells than columns (a separator inside a text? Put that cell in quotes).",
    },
    "import.duplicate": {
        "de": "die Kennung {key!r} steht schon in Zeile {other}.",
        "en": "the id {key!r} already appears in line {other}.",
    },
    "import.empty": {"de": "  Die Datei enthält keine Indikatoren.", "en": "  The file holds no indicators."},
    "import.unreadable": {
        "de": "{file} kann nicht gelesen werden: {error}",
        "en": "Cannot read {file}: {error}",
    },
    "indicator.adopted": {
        "de": "{count} Indikatoren für {ags} übernommen: {keys}.",
        "en": "Adopted {count} indicators for {ags}: {keys}.",
    },
    "indicator.added": {"de": "Indikator {key} für {ags} angelegt.", "en": "Added indicator {key} for {ags}."},
    "indicator.imported": {
        "de": "{count} Indikatoren aus {file} für {ags} importiert.",
        "en": "Imported {count} indicators from {file} for {ags}.",
    },
    "indicator.values_due_set": {
        "de": "{key}: Der Vorjahreswert ist jedes Jahr am {day} fällig.",
        "en": "{key}: the previous year's value is due on {day} each year.",
    },
    "indicator.target_set": {
        "de": "{key}: Zielwert {value} für {year} gespeichert.",
        "en": "{key}: target {value} for {year} stored.",
    },
    "indicator.baseline_set": {
        "de": "{key}: Ausgangswert {value} ({year}) gespeichert.",
        "en": "{key}: baseline {value} ({year}) stored.",
    },
    "indicator.recorded": {
        "de": "{key} {year}: {value} {unit} erfasst.",
        "en": "{key} {year}: recorded {value} {unit}.",
    },
    "indicator.corrected": {
        "de": "{key} {year}: {value} {unit} erfasst (ersetzt {old}).",
        "en": "{key} {year}: recorded {value} {unit} (replaces {old}).",
    },
    "indicator.none": {
        "de": "{ags} hat in diesem Zyklus noch keine Indikatoren; z. B. `zyklus indicator adopt {ags} --all --as …`.",
        "en": "{ags} has no indicators in this cycle yet; e.g. `zyklus indicator adopt {ags} --all --as …`.",
    },
    "goal.added": {"de": "Ziel {key} für {ags} angelegt.", "en": "Added goal {key} for {ags}."},
    "measure.added": {"de": "Maßnahme {key} für {ags} angelegt.", "en": "Added measure {key} for {ags}."},
    "measure.status_set": {
        "de": "Maßnahme {key}: {status} seit {on}.",
        "en": "Measure {key}: {status} since {on}.",
    },
    "measure.status.planned": {"de": "geplant", "en": "planned"},
    "measure.status.in_progress": {"de": "in Umsetzung", "en": "in progress"},
    "measure.status.done": {"de": "umgesetzt", "en": "done"},
    "measure.status.delayed": {"de": "verzögert", "en": "delayed"},
    "measure.status.dropped": {"de": "aufgegeben", "en": "dropped"},
    "direction.increase": {"de": "steigend", "en": "increase"},
    "direction.decrease": {"de": "sinkend", "en": "decrease"},
    "direction.band": {"de": "im Korridor halten", "en": "keep within band"},
    "rating.sun": {"de": "Sonne", "en": "Sun"},
    "rating.light_clouds": {"de": "Leicht bewölkt", "en": "Light clouds"},
    "rating.cloud": {"de": "Wolke", "en": "Cloud"},
    "rating.thunderstorm": {"de": "Gewitter", "en": "Thunderstorm"},
    "rating.none": {"de": "keine Bewertung", "en": "no rating"},
    "evaluate.measures": {
        "de": "Maßnahmen: {total} – {counts}.",
        "en": "Measures: {total} – {counts}.",
    },
    "evaluate.overdue": {
        "de": "Über dem geplanten Ende und noch offen: {keys}.",
        "en": "Past their planned end and still open: {keys}.",
    },
    "cycles.running": {"de": "läuft: {phase}", "en": "running: {phase}"},
    "cycles.completed": {"de": "abgeschlossen", "en": "completed"},
    "cycles.published": {
        "de": "Bericht veröffentlicht am {date}: {where}",
        "en": "report published on {date}: {where}",
    },
    "cycles.next": {"de": "nächster Zyklus am {on}", "en": "next cycle on {on}"},
    "col.id": {"de": "Kennung", "en": "Id"},
    "col.indicator": {"de": "Indikator", "en": "Indicator"},
    "col.unit": {"de": "Einheit", "en": "Unit"},
    "col.baseline": {"de": "Ausgangswert", "en": "Baseline"},
    "col.target": {"de": "Ziel", "en": "Target"},
    "col.latest": {"de": "Aktuell", "en": "Latest"},
    "col.rating": {"de": "Bewertung", "en": "Rating"},
    "col.reached": {"de": "Zielerreichung", "en": "Reached"},
    "col.status": {"de": "Stand", "en": "Status"},
    "col.title": {"de": "Titel", "en": "Title"},
    "col.theme": {"de": "Themenfeld / Ziel", "en": "Theme field / goal"},
    "col.planned_end": {"de": "geplantes Ende", "en": "planned end"},
    "col.ended": {"de": "tatsächliches Ende", "en": "actual end"},
    "col.deviation": {"de": "Abweichung", "en": "Deviation"},
    "col.outcome": {"de": "Ergebnis", "en": "Outcome"},
    "col.started": {"de": "Beginn", "en": "Start"},
    "report.written": {"de": "Bericht geschrieben: {path}", "en": "Report written: {path}"},
    "report.unwritable": {
        "de": "Bericht kann nicht nach {path} geschrieben werden: {error}",
        "en": "Cannot write the report to {path}: {error}",
    },
    # --- the sustainability report (engine/report/templates/report.html.j2) -------------------
    "report.title": {"de": "Nachhaltigkeitsbericht {name}", "en": "Sustainability report {name}"},
    "report.subtitle": {"de": "Zyklus {number} · {workflow}", "en": "Cycle {number} · {workflow}"},
    "report.period": {"de": "Zeitraum: {start} bis {end}", "en": "Period: {start} to {end}"},
    "report.period_running": {"de": "Zeitraum: seit {start} (laufend)", "en": "Period: since {start} (running)"},
    "report.generated": {"de": "Erstellt am {on} mit zyklus.", "en": "Generated on {on} with zyklus."},
    "report.glance": {"de": "Auf einen Blick", "en": "At a glance"},
    "report.resolution": {
        "de": "Das Handlungsprogramm hat der {body} am {date} beschlossen ({reference}).",
        "en": "The action programme was adopted by the {body} on {date} ({reference}).",
    },
    "report.published": {"de": "Veröffentlicht am {date}: {where}", "en": "Published on {date}: {where}"},
    "report.indicator_count": {"de": "{count} Indikatoren, davon {rated} bewertet", "en": "{count} indicators, {rated} of them rated"},
    "report.measure_count": {"de": "{count} Maßnahmen", "en": "{count} measures"},
    "report.timeline": {"de": "Zeitplan des Zyklus", "en": "Timeline of the cycle"},
    "report.on_time": {"de": "im Plan", "en": "on time"},
    "report.days_late": {"de": "{days} Tage später", "en": "{days} days late"},
    "report.days_early": {"de": "{days} Tage früher", "en": "{days} days early"},
    "report.running": {"de": "läuft", "en": "running"},
    "report.overdue": {"de": "{days} Tage überfällig", "en": "{days} days overdue"},
    "report.themes": {"de": "Themenfelder, Ziele und Maßnahmen", "en": "Theme fields, goals and measures"},
    "report.theme_none": {"de": "Weitere Indikatoren", "en": "Further indicators"},
    "report.goal": {"de": "Ziel", "en": "Goal"},
    "report.measures": {"de": "Maßnahmen", "en": "Measures"},
    "report.planned_until": {"de": "geplant bis {on}", "en": "planned until {on}"},
    "report.status_since": {"de": "{status} seit {on}", "en": "{status} since {on}"},
    "report.status_on": {"de": "{status} am {on}", "en": "{status} on {on}"},
    "report.carried": {"de": "aus dem vorigen Zyklus übernommen", "en": "carried over from the previous cycle"},
    "report.responsible": {"de": "verantwortlich: {who}", "en": "responsible: {who}"},
    "report.indicators": {"de": "Indikatoren", "en": "Indicators"},
    "report.sdg": {"de": "SDG {number}", "en": "SDG {number}"},
    "report.baseline": {"de": "Ausgangswert", "en": "Baseline"},
    "report.target": {"de": "Ziel", "en": "Target"},
    "report.band": {"de": "Zielkorridor", "en": "Target band"},
    "report.latest": {"de": "Aktueller Wert", "en": "Latest value"},
    "report.reached": {"de": "Zielerreichung", "en": "Share of target reached"},
    "report.direction": {"de": "Zielrichtung", "en": "Desired direction"},
    "report.no_values": {"de": "Noch keine Werte erfasst.", "en": "No values recorded yet."},
    "report.trend_title": {"de": "Verlauf: {name}", "en": "Trend: {name}"},
    "report.source": {"de": "Quelle: {source}", "en": "Source: {source}"},
    "report.legend": {
        "de": "Linie und Punkte: Messwerte · Raute: Zielwert · Kreis: Ausgangswert · gestrichelt: Weg zum nächsten Ziel · grün: Zielkorridor",
        "en": "Line and dots: observed values · diamond: target · circle: baseline · dashed: path to the next target · green: target band",
    },
    "report.method": {"de": "So lesen Sie die Bewertung", "en": "How to read the ratings"},
    "report.method.intro": {
        "de": "Die Wettersymbole folgen der Methode der Deutschen Nachhaltigkeitsstrategie: Die durchschnittliche jährliche Veränderung der letzten fünf Jahre wird bis zum Zieljahr fortgeschrieben und mit dem Zielwert verglichen. Mit weniger als vier Werten gibt es keine Bewertung. Die Symbole sind keine politische Bewertung und keine Prognose.",
        "en": "The weather symbols follow the method of the German Sustainable Development Strategy: the average yearly change of the last five years is projected to the target year and compared with the target. With fewer than four values there is no rating. The symbols are neither a political judgement nor a forecast.",
    },
    "report.method.sun": {
        "de": "Das Ziel wird bei Fortsetzung der Entwicklung erreicht oder um weniger als 5 % des Abstands verfehlt.",
        "en": "If the development continues, the target is reached or missed by less than 5 % of the distance.",
    },
    "report.method.light_clouds": {
        "de": "Das Ziel würde um 5 bis 20 % des Abstands verfehlt.",
        "en": "The target would be missed by 5 to 20 % of the distance.",
    },
    "report.method.cloud": {
        "de": "Die Entwicklung geht in die richtige Richtung, das Ziel würde aber um mehr als 20 % verfehlt.",
        "en": "The development goes the right way, but the target would be missed by more than 20 %.",
    },
    "report.method.thunderstorm": {
        "de": "Der Abstand zum Ziel bleibt gleich oder wächst.",
        "en": "The distance to the target stays the same or grows.",
    },
    "report.method.reached": {
        "de": "Zielerreichung = (aktueller Wert − Ausgangswert) ÷ (Zielwert − Ausgangswert).",
        "en": "Share of target reached = (latest value − baseline) ÷ (target − baseline).",
    },
    "report.structures": {"de": "Arbeitsstrukturen", "en": "Working structures"},
    "report.structures_note": {
        "de": "Personen nennen wir nur mit ihrer Einwilligung namentlich, sonst mit ihrer Organisation oder als N.N.",
        "en": "People are named only with their consent; otherwise by their organisation, or as N.N.",
    },
    "report.anonymous": {"de": "N.N.", "en": "N.N."},
}


_ECHO_LIMIT = 120


def _clip(value: object) -> object:
    """A message quotes what the user typed so they can find it, but a 10 MB value pasted by
    mistake must not come back as a 10 MB error line."""
    if isinstance(value, str) and len(value) > _ECHO_LIMIT:
        return value[:_ECHO_LIMIT - 1] + "…"
    return value


def t(key: str, lang: Language = "de", /, **values: object) -> str:
    """Translate ``key`` and fill in ``values``; fall back to German, never to a raw key."""
    entry = MESSAGES[key]
    return (entry.get(lang) or entry["de"]).format(**{name: _clip(value) for name, value in values.items()})


def people(n: int | None, lang: Language = "de") -> str:
    """'1 Person', '3 Personen': counts of people read naturally in both languages."""
    return t("people.one", lang) if n == 1 else t("people.many", lang, n=n)


def format_date(value: dt.date | str | None, lang: Language = "de") -> str:
    """German text writes 15.03.2027 (DIN 5008 numeric form); English text uses ISO 8601.
    ISO strings are accepted too: status and history travel as JSON-ready dicts."""
    if not value:
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
