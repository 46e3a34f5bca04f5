"""`zyklus workflow …` as an administrator types it: validate, list, show, simulate, migrate."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from engine.definitions.loader import SHIPPED_DIR
from engine_support import zyklus as run_cli

SHIPPED = ["beispiel-nrw-beteiligung", "gnk-nrw", "gnk-thueringen", "kommune", "landkreis"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A folder with config.toml naming a local workflow folder; no database yet."""
    (tmp_path / "local").mkdir()
    (tmp_path / "config.toml").write_text('[general]\nworkflow_dirs = ["local"]\n', encoding="utf-8")
    kommune = (SHIPPED_DIR / "kommune.toml").read_text(encoding="utf-8")
    (tmp_path / "local" / "stadt.toml").write_text(kommune.replace('name = "kommune"', 'name = "stadt"'),
                                                   encoding="utf-8")
    return tmp_path


def zyklus(home: Path, *args: str, now: str = "2027-01-04T08:00") -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=home, env={"COLUMNS": "250", "ZYKLUS_NOW": now})


# -- validate ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SHIPPED)
def test_validate_a_shipped_variant(home: Path, name: str) -> None:
    result = zyklus(home, "workflow", "validate", name)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{name}.toml: gültig ({name}, Version ")
    assert result.stdout.endswith("; 0 Warnung(en).\n")


def test_validate_lists_every_error_of_a_file_one_line_each(home: Path) -> None:
    draft = home / "entwurf" / "stadtteil.toml"
    draft.parent.mkdir()
    draft.write_text('name = "stadtteil"\nextends = "stadt"\n[phases.setup]\nduration = "P0D"\n'
                     '[transitions.strategy_done]\ndest = "beteiligung"\n'
                     '[phases.evaluation.reminders]\nroles = ["buergermeister"]\n', encoding="utf-8")
    result = zyklus(home, "workflow", "validate", "entwurf/stadtteil.toml")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "stadtteil.toml: phases.setup.duration: muss länger als null Tage sein: 'P0D'",
        "stadtteil.toml: transitions.strategy_done.dest: unbekannte Phase 'beteiligung'",
        "stadtteil.toml: phases.evaluation.reminders.roles[0]: unbekannte Rolle 'buergermeister'; "
        "Rollen: coordination, core_team, steering_group, mayor_office",
        "stadtteil.toml: 3 Fehler, 0 Warnung(en).",
    ]
    assert result.stderr == ""
    result = zyklus(home, "--lang", "en", "workflow", "validate", "entwurf/stadtteil.toml")
    assert result.stdout.splitlines() == [
        "stadtteil.toml: phases.setup.duration: must be longer than zero days: 'P0D'",
        "stadtteil.toml: transitions.strategy_done.dest: unknown phase 'beteiligung'",
        "stadtteil.toml: phases.evaluation.reminders.roles[0]: unknown role 'buergermeister'; "
        "roles: coordination, core_team, steering_group, mayor_office",
        "stadtteil.toml: 3 error(s), 0 warning(s).",
    ]


def test_validate_a_file_extending_its_neighbour(home: Path) -> None:
    folder = home / "entwurf"
    folder.mkdir()
    (folder / "basis.toml").write_text((SHIPPED_DIR / "kommune.toml").read_text(encoding="utf-8")
                                       .replace('name = "kommune"', 'name = "basis"'), encoding="utf-8")
    (folder / "kind.toml").write_text('name = "kind"\nextends = "basis"\n[phases.setup]\nreminders = false\n',
                                      encoding="utf-8")
    result = zyklus(home, "--lang", "en", "workflow", "validate", "entwurf/kind.toml")
    assert result.returncode == 0, result.stdout  # warnings do not fail the check
    assert result.stdout.splitlines() == [
        "warning: kind.toml: phases.setup.reminders: phase has no reminders: nobody is told when it is due",
        f"kind.toml: valid (kind, version {result.stdout.split('version ')[1].split(')')[0]}); 1 warning(s).",
    ]


def test_validate_malformed_toml_and_json_output(home: Path) -> None:
    (home / "local" / "kaputt.toml").write_text('name = "kaputt"\nlabel = \n', encoding="utf-8")
    code, params = "definition.toml_at", {"line": 2, "column": 9, "what": "Invalid value"}
    for lang, message in (("de", "fehlerhaftes TOML in Zeile 2, Spalte 9: Invalid value"),
                          ("en", "malformed TOML at line 2, column 9: Invalid value")):
        result = zyklus(home, "--lang", lang, "workflow", "validate", "kaputt", "--json")
        assert result.returncode == 1
        assert json.loads(result.stdout) == {
            "file": "kaputt.toml", "valid": False, "name": None, "version": None,
            "problems": [{"file": "kaputt.toml", "path": "", "code": code, "params": params, "message": message,
                          "severity": "error", "line": f"kaputt.toml: {message}"}]}


def test_validate_unknown_names_and_files(home: Path) -> None:
    result = zyklus(home, "workflow", "validate", "stadtt")
    assert result.returncode == 1
    assert result.stderr == ("Unbekannter Ablauf 'stadtt'; verfügbar: beispiel-nrw-beteiligung, gnk-nrw, gnk-thueringen, "
                             "kommune, landkreis, "
                             "stadt.\n")
    result = zyklus(home, "workflow", "validate", "fehlt/nicht.toml")
    assert (result.returncode, result.stderr) == (1, "Datei fehlt/nicht.toml nicht gefunden.\n")


# -- list -------------------------------------------------------------------------------------------
def test_list_without_a_database_creates_none(home: Path) -> None:
    result = zyklus(home, "workflow", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert sorted(rows) == sorted([*SHIPPED, "stadt"])
    assert rows["stadt"]["source"] == str(home / "local") and rows["kommune"]["source"] == "shipped"
    assert rows["gnk-nrw"]["extends"] == "kommune" and rows["stadt"]["stored"] is None
    assert len(rows["landkreis"]["version"]) == 12
    assert not (home / "zyklus.db").exists()
    text = zyklus(home, "workflow", "list").stdout
    assert "mitgeliefert" in text and "(keine eingerichtete Datenbank" in text


def test_list_shows_stored_versions_and_running_cycles(home: Path) -> None:
    for args in (("init",), ("municipality", "add", "16051000", "Erfurt"), ("municipality", "add", "16055000", "Weimar"),
                 ("cycle", "start", "16051000", "--workflow", "stadt"), ("cycle", "start", "16055000", "--workflow", "stadt")):
        assert zyklus(home, *args).returncode == 0
    rows = {row["name"]: row for row in json.loads(zyklus(home, "workflow", "list", "--json").stdout)}
    assert [(v["version"], v["running_cycles"]) for v in rows["stadt"]["stored"]] == [(rows["stadt"]["version"], 2)]
    assert rows["kommune"]["stored"] == []


# -- show -------------------------------------------------------------------------------------------
def test_show_text_mermaid_and_json(home: Path) -> None:
    text = zyklus(home, "workflow", "show", "beispiel-nrw-beteiligung")
    assert text.returncode == 0, text.stderr
    assert "  5. participation – Öffentliche Beteiligung (2 Monate)" in text.stdout
    assert "     ✗ Nachweis „Dokumentation der Beteiligung“ erfasst (considered, blockiert)" in text.stdout
    mermaid = zyklus(home, "workflow", "show", "beispiel-nrw-beteiligung", "--format", "mermaid").stdout.splitlines()
    assert mermaid[0] == "stateDiagram-v2"
    assert "    strategy --> participation : workshops, programme, programme_document" in mermaid
    data = json.loads(zyklus(home, "workflow", "show", "landkreis", "--format", "json").stdout)
    assert data["facts"]["council_resolution"]["fields"]["body"]["choices"] == ["Kreistag"]
    assert zyklus(home, "workflow", "show", "kommune", "--format", "svg").returncode == 2


def test_show_refuses_an_invalid_file_with_its_errors(home: Path) -> None:
    (home / "local" / "stadt.toml").write_text('name = "stadt"\nextends = "kommune"\n[phases.setup]\nduration = "soon"\n',
                                               encoding="utf-8")
    result = zyklus(home, "workflow", "show", "stadt")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "stadt.toml: phases.setup.duration: keine ISO-8601-Dauer wie P3M oder P14D: 'soon'\n"
    result = zyklus(home, "--lang", "en", "workflow", "show", "stadt")
    assert result.stderr == "stadt.toml: phases.setup.duration: not an ISO 8601 date duration such as P3M or P14D: " \
                            "'soon'\n"


# -- simulate ---------------------------------------------------------------------------------------
def test_simulate_prints_due_dates_holiday_shifts_and_reminders_without_a_database(home: Path) -> None:
    result = zyklus(home, "workflow", "simulate", "kommune", "--start", "2027-09-25")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("  Phase Aufbau der Arbeitsstrukturen: 25.09.2027 bis 27.12.2027; verschoben vom 25.12.2027 "
            "(Erster Weihnachtstag, Zweiter Weihnachtstag)") in out
    assert "  27.11.2027  Erinnerung vor der Frist: Aufbau der Arbeitsstrukturen (fällig 27.12.2027) → Koordination" in out
    assert "Überprüfung: Quartalsweise Überprüfung des Umsetzungsstands" in out
    assert not (home / "zyklus.db").exists()


def test_simulate_as_json_in_another_land(home: Path) -> None:
    result = zyklus(home, "workflow", "simulate", "gnk-nrw", "--start", "2027-01-04", "--state", "nw", "--json")
    data = json.loads(result.stdout)
    assert (data["state"], data["phases"][0]["phase"]) == ("NW", "application")
    assert len([r for r in data["reminders"] if r["kind"] == "event"]) == 10


def test_simulate_rejects_bad_input_in_one_line(home: Path) -> None:
    result = zyklus(home, "workflow", "simulate", "kommune", "--start", "04.01.2027")
    assert (result.returncode, result.stderr) == (
        1, "Ungültiges Datum '04.01.2027': erwartet wird JJJJ-MM-TT, z. B. 2027-03-15.\n")
    result = zyklus(home, "workflow", "simulate", "kommune", "--start", "2027-01-04", "--state", "XX")
    assert result.returncode == 1 and result.stderr.startswith("Unbekanntes Bundesland 'XX'")


# -- migrate ----------------------------------------------------------------------------------------
def _two_cycles(home: Path) -> None:
    for args in (("init",), ("municipality", "add", "16051000", "Erfurt"), ("municipality", "add", "16055000", "Weimar"),
                 ("cycle", "start", "16051000", "--workflow", "stadt"), ("cycle", "start", "16055000", "--workflow", "stadt")):
        assert zyklus(home, *args).returncode == 0


def _rename_setup(home: Path) -> None:
    path = home / "local" / "stadt.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[phases.setup", "[phases.aufbau").replace('source = "setup"', 'source = "aufbau"')
                    .replace('initial = "setup"', 'initial = "aufbau"'), encoding="utf-8")


def test_migrate_dry_run_refusal_and_apply(home: Path) -> None:
    _two_cycles(home)
    _rename_setup(home)
    database = (home / "zyklus.db").read_bytes()
    refused = zyklus(home, "workflow", "migrate", "stadt", "--to", "current", "--all", now="2027-02-01T08:00")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.splitlines()[0] == "Migration abgelehnt, nichts geändert: 2 Zyklus/Zyklen ohne Gegenstück."
    assert refused.stderr.splitlines()[1].startswith("16051000 Zyklus 1: die Phase 'setup' gibt es in Version ")

    dry = zyklus(home, "workflow", "migrate", "stadt", "--to", "current", "--all", "--map", "setup=aufbau",
                 "--dry-run", now="2027-02-01T08:00")
    assert dry.returncode == 0, dry.stderr
    assert "    Phase setup → aufbau ab 01.02.2027; neue Frist 03.05.2027." in dry.stdout
    assert dry.stdout.endswith("Probelauf: nichts wurde geändert.\n")
    assert (home / "zyklus.db").read_bytes() == database

    done = zyklus(home, "--lang", "en", "workflow", "migrate", "stadt", "--to", "current", "--ags", "16051000",
                  "--map", "setup=aufbau", "--reason", "renamed", now="2027-02-01T08:00")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("Moved 1 cycle(s) to version ")
    history = json.loads(zyklus(home, "history", "16051000", "--json").stdout)
    assert [(h["kind"], h["from"], h["to"], h["reason"]) for h in history][-1] == ("migrate", "setup", "aufbau", "renamed")
    status = json.loads(zyklus(home, "status", "16051000", "--json").stdout)
    assert (status["phase"], status["due_on"]) == ("aufbau", "2027-05-03")
    weimar = json.loads(zyklus(home, "status", "16055000", "--json").stdout)
    assert weimar["phase"] == "setup"  # only --ags 16051000 moved


def test_migrate_usage_errors(home: Path) -> None:
    _two_cycles(home)
    result = zyklus(home, "workflow", "migrate", "stadt", "--to", "current")
    assert (result.returncode, result.stderr) == (
        1, "Genau eines angeben: --ags AGS (eine Kommune) oder --all (alle laufenden Zyklen des Ablaufs).\n")
    result = zyklus(home, "workflow", "migrate", "stadt", "--to", "current", "--all", "--map", "setup")
    assert (result.returncode, result.stderr) == (1, "--map erwartet ALTE_PHASE=NEUE_PHASE, nicht 'setup'.\n")


def test_the_workflow_group_includes_simulate_from_the_notifications_add_on(home: Path) -> None:
    result = zyklus(home, "workflow", "--help")
    assert result.returncode == 0
    for command in ("validate", "list", "show", "simulate", "migrate"):
        assert f" {command} " in result.stdout
