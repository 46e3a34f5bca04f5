"""A coordinator sets when indicator values are due, and `zyklus remind --now …` asks for the
missing ones and for measures left unchanged — one process per command, as typed."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

from engine_support import cli_env, zyklus

AGS = "16051000"
ANNA = "anna.koch@erfurt.example"
AS = ("--as", ANNA)
OWN = ("--name", "Radverkehrsanteil", "--sdg", "11", "--unit", "%", "--direction", "increase")


def test_values_due_and_stale_measures_from_the_command_line(tmp_path: Path) -> None:
    env = cli_env(ZYKLUS_NOW="2027-01-04T09:00")

    def run(*args: str, code: int = 0) -> str:
        result = zyklus(*args, cwd=tmp_path, env=env)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        return result.stdout if code == 0 else result.stderr

    def mails(subject: str) -> list[email.message.EmailMessage]:
        found = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                 for p in (tmp_path / "mail" / "new").iterdir()]
        return [m for m in found if m["Subject"] == subject]

    run("init")
    run("municipality", "add", AGS, "Erfurt")
    run("person", "add", AGS, "--name", "Anna Koch", "--email", ANNA, "--role", "coordination")
    run("cycle", "start", AGS, "--workflow", "kommune", "--on", "2027-01-04")

    # a day that is not one of every year: one line, exit 1, nothing stored
    refused = run("indicator", "add", AGS, "rad", *OWN, "--values-due", "02-29", *AS, code=1)
    assert refused.strip() == ("'02-29' ist kein Tag im Jahr: bitte MM-TT angeben, z. B. 03-31 für den 31. März "
                               "(nicht 02-29).")
    assert json.loads(run("indicator", "list", AGS, "--json")) == []

    run("indicator", "add", AGS, "rad", *OWN, "--values-due", "06-30", *AS)
    run("indicator", "adopt", AGS, "thg-haushalte", "--values-due", "04-15", *AS)
    assert run("indicator", "values-due", AGS, "rad", "05-31", *AS).strip() == \
        "rad: Der Vorjahreswert ist jedes Jahr am 31.05. fällig."
    listed = {i["id"]: i["values_due"] for i in json.loads(run("indicator", "list", AGS, "--json"))}
    assert listed == {"rad": "05-31", "thg-haushalte": "04-15"}
    run("measure", "add", AGS, "m-pv", "--title", "PV auf Schuldächern", "--theme", "Klima",
        "--responsible", "Hochbauamt", *AS)

    run("remind", "--now", "2027-04-01T08:00")  # 14 days before 15 April

    [values] = mails("Indikatorwerte: 1 fehlt noch, Stichtag 15.04.2027 (Erfurt)")
    text = values.get_body(("plain",)).get_content()
    # (the BISKO balance of a year is ready two years later: its publication lag asks for 2025)
    assert f"zyklus indicator record {AGS} thg-haushalte 2025 WERT --as {ANNA}" in text and " rad " not in text

    env["ZYKLUS_NOW"] = "2027-04-02T10:00"
    run("indicator", "record", AGS, "thg-haushalte", "2025", "6,8", *AS)  # between the two reminders
    run("remind", "--now", "2027-04-15T08:00")
    assert len(mails("Indikatorwerte: 1 fehlt noch, Stichtag 15.04.2027 (Erfurt)")) == 1  # no second one

    run("remind", "--now", "2027-07-03T08:00")  # 180 days after the measure was added

    [stale] = mails("1 Maßnahme ohne neuen Stand (Erfurt)")
    text = stale.get_body(("plain",)).get_content()
    assert "PV auf Schuldächern (m-pv): geplant seit dem 04.01.2027, seit 180 Tagen; zuständig: Hochbauamt" in text
    assert f"zyklus measure status {AGS} m-pv STAND --as {ANNA}" in text
