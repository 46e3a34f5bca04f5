"""The README's walkthrough, typed as a coordinator types it, one process per command."""

from __future__ import annotations

import json
from pathlib import Path

from engine_support import cli_env, zyklus

AGS = "16051000"
ANNA = "anna.koch@erfurt.example"


def test_readme_walkthrough(tmp_path: Path) -> None:
    db = tmp_path / "data" / "erfurt.db"
    env = cli_env(ZYKLUS_DB=f"sqlite:///{db}")

    def ok(*args: str) -> str:
        result = zyklus(*args, cwd=tmp_path, env=env)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert result.stderr == "", (args, result.stderr)
        return result.stdout

    assert "Datenbank eingerichtet" in ok("init")
    assert db.is_file() and not (tmp_path / "zyklus.db").exists()
    assert ok("municipality", "add", AGS, "Erfurt", "--state", "TH", "--kind", "stadt").strip() == \
        f"Kommune Erfurt ({AGS}) registriert."
    ok("person", "add", AGS, "--name", "Anna Koch", "--email", ANNA, "--role", "coordination")
    ok("person", "add", AGS, "--name", "Ben Roth", "--email", "ben.roth@erfurt.example", "--role", "coordination")
    ok("person", "add", AGS, "--name", "Carla Weiß", "--email", "carla.weiss@erfurt.example",
       "--role", "core_team", "--role", "steering_group")
    ok("person", "add", AGS, "--name", "Büro OB", "--email", "ob@erfurt.example", "--role", "mayor_office")

    started = ok("cycle", "start", AGS, "--workflow", "gnk-thueringen", "--on", "2027-01-04")
    assert "Zyklus 1" in started and "Bewerbung und Teilnahmebeschluss" in started and "05.04.2027" in started

    status = ok("status", AGS)
    assert "Phase: Bewerbung und Teilnahmebeschluss (seit 04.01.2027), fällig am 05.04.2027" in status
    assert ("✗ Nachweis „Ratsbeschluss zur Teilnahme“ mit Ergebnis „beschlossen“ oder „geändert beschlossen“ muss "
            "in diesem Zyklus erfasst sein.") in " ".join(status.split())
    assert (f'zyklus record {AGS} participation_resolution --as {ANNA} --set date="…" --set body="…" '
            '--set reference="…" --set result="…"') in status

    assert ok("record", AGS, "application", "--as", ANNA, "--set", "date=2027-01-04").strip() == \
        f"Nachweis „Bewerbung“ für {AGS} am 01.03.2027 erfasst."  # today, from ZYKLUS_NOW
    ok("record", AGS, "letter_of_intent", "--as", ANNA, "--set", "signed_by=OB", "--set", "date=2027-01-10",
       "--on", "2027-01-10")
    ok("record", AGS, "participation_resolution", "--as", ANNA, "--set", "date=2027-02-03",
       "--set", "body=stadtrat", "--set", "reference=DS 0012/27", "--set", "result=beschlossen", "--on", "2027-02-03")
    advanced = ok("advance", AGS, "--as", ANNA, "--on", "2027-02-10", "--reason", "Teilnahme beschlossen",
                  "--from", "application")
    assert advanced.strip() == f"{AGS}: Bewerbung und Teilnahmebeschluss → Aufbau der Arbeitsstrukturen am 10.02.2027."

    data = json.loads(ok("status", AGS, "--json"))
    assert {k: data[k] for k in ("ags", "cycle", "workflow", "phase", "phase_label", "entered_at", "due_on")} == {
        "ags": AGS, "cycle": 1, "workflow": "gnk-thueringen", "phase": "setup",
        "phase_label": "Aufbau der Arbeitsstrukturen", "entered_at": "2027-02-10", "due_on": "2027-04-12"}
    assert len(data["version"]) == 12
    unmet = {g["id"]: g for g in data["unmet"]}
    assert all({"id", "severity", "message"} <= set(g) for g in data["unmet"])
    # Two coordinators + Carla: core team 3 (enough), steering group 3 of at least 10 (blocks).
    assert unmet["steering_group"]["severity"] == "block"
    assert "mindestens 10" in unmet["steering_group"]["message"]
    assert "coordination" not in unmet and "core_team" not in unmet
    assert unmet["core_team_size"]["severity"] == "warn"
    informed = unmet["informed"]
    assert (informed["severity"], informed["fact"], informed["missing"]) == ("warn", "public_information", 1)
    assert [{k: f[k] for k in ("name", "type", "required", "choices")} for f in informed["fields"]] == [
        {"name": "channel", "type": "text", "required": True, "choices": []},
        {"name": "url", "type": "url", "required": False, "choices": []}]

    status = ok("status", AGS)
    assert f"zyklus person add {AGS}" in status and "--role steering_group" in status
    assert f"zyklus record {AGS} public_information --as {ANNA}" in status

    refused = zyklus("advance", AGS, "--as", ANNA, cwd=tmp_path, env=env)
    assert refused.returncode == 3
    assert "Steuerungsgruppe: mindestens 10 Personen nötig, registriert sind 3." in refused.stderr.splitlines()[1]

    history = json.loads(ok("history", AGS, "--json"))
    assert [(h["kind"], h["trigger"]) for h in history] == [
        ("start", None), ("fact", "application"), ("fact", "letter_of_intent"),
        ("fact", "participation_resolution"), ("transition", "advance")]
    move = history[-1]
    assert (move["from"], move["to"], move["actor"], move["on"], move["reason"], move["cycle"]) == (
        "application", "setup", ANNA, "2027-02-10", "Teilnahme beschlossen", 1)
    assert [g["id"] for g in move["details"]["guards"]] == ["application", "letter_of_intent", "participation"]
    assert history[3]["details"]["fields"] == {"date": "2027-02-03", "body": "Stadtrat", "reference": "DS 0012/27",
                                               "result": "adopted"}  # the label typed, the value stored
    assert history[0]["actor"] == "system" and history[1]["actor"] == ANNA

    table = ok("history", AGS)  # 80 columns, as in a pipe: wrapped, but nothing cut off
    assert "…" not in table
    assert "10.02.2027" in table and "Teilnahme" in table and "beschlossen" in table


def test_db_url_precedence(tmp_path: Path) -> None:
    """--db beats ZYKLUS_DB beats config.toml; ZYKLUS_CONFIG names another config file whose
    relative paths are relative to it."""
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///from-config.db"\n', encoding="utf-8")
    elsewhere = tmp_path / "etc"
    elsewhere.mkdir()
    (elsewhere / "zyklus.toml").write_text('[database]\nurl = "sqlite:///other.db"\n', encoding="utf-8")

    assert zyklus("init", cwd=tmp_path).returncode == 0
    assert (tmp_path / "from-config.db").is_file()
    env = cli_env(ZYKLUS_DB=f"sqlite:///{tmp_path / 'from-env.db'}")
    assert zyklus("init", cwd=tmp_path, env=env).returncode == 0
    assert (tmp_path / "from-env.db").is_file()
    assert zyklus("--db", f"sqlite:///{tmp_path / 'from-option.db'}", "init", cwd=tmp_path, env=env).returncode == 0
    assert (tmp_path / "from-option.db").is_file()
    assert zyklus("init", cwd=tmp_path, env=cli_env(ZYKLUS_CONFIG=str(elsewhere / "zyklus.toml"))).returncode == 0
    assert (elsewhere / "other.db").is_file()
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["from-config.db", "from-env.db", "from-option.db"]


def test_text_people_typed_is_printed_as_typed_never_as_markup(tmp_path: Path) -> None:
    env = cli_env()
    assert zyklus("init", cwd=tmp_path, env=env).returncode == 0
    assert zyklus("municipality", "add", AGS, "Erfurt [bold]Mitte[/bold]", "--state", "TH", cwd=tmp_path,
                  env=env).returncode == 0
    for command in (("municipality", "list"), ("status",)):
        shown = zyklus(*command, cwd=tmp_path, env={**env, "COLUMNS": "200"}).stdout
        assert "[bold]Mitte[/bold]" in shown, shown  # the tags shown, not applied
