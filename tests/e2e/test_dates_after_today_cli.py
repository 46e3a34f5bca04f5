"""What already happened cannot be dated after today: a fact's `--on` and a measure's status
`--on` in the future are refused in one line naming the day and today, exit 1, nothing stored —
in the CLI and through the door (the web and the API use the same)."""

from __future__ import annotations

import json
from pathlib import Path

from engine_support import cli_env, cli_in, start_erfurt_by_cli, zyklus

AGS = "16051000"
AS = ("--as", "anna@erfurt.example")


def test_a_fact_dated_after_today_is_refused_and_not_stored(tmp_path: Path) -> None:
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)
    refused = run("--now", "2027-01-10T09:00", "record", AGS, "application", *AS, "--set", "date=2027-01-04",
                  "--on", "2027-05-01", code=1)
    assert refused.strip() == ("Der 01.05.2027 liegt nach heute (10.01.2027): was schon geschehen ist, lässt sich "
                               "nicht im Voraus erfassen.")
    english = zyklus("--lang", "en", "--now", "2027-01-10T09:00", "record", AGS, "application", *AS, "--set",
                     "date=2027-01-04", "--on", "2027-01-11", cwd=tmp_path, env=cli_env())
    assert english.returncode == 1 and english.stderr.count("\n") == 1, english.stderr
    assert "is after today" in english.stderr and "2027" in english.stderr
    history = json.loads(run("history", AGS, "--json"))
    assert [h["kind"] for h in history] == ["start"]  # nothing stored
    # today and earlier days are what --on is for
    run("--now", "2027-01-10T09:00", "record", AGS, "application", *AS, "--set", "date=2027-01-04",
        "--on", "2027-01-10")
    run("--now", "2027-01-10T09:00", "record", AGS, "application", *AS, "--set", "date=2027-01-04",
        "--on", "2027-01-05")


def test_a_measure_status_dated_after_today_is_refused_and_not_stored(tmp_path: Path) -> None:
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)
    run("measure", "add", AGS, "m-rad", "--title", "Radwegenetz", "--theme", "Mobilität", *AS)
    before = run("measure", "list", AGS, "--json")
    refused = run("--now", "2028-01-15T10:00", "measure", "status", AGS, "m-rad", "planned", "--on", "2029-01-01",
                  *AS, code=1)
    assert refused.strip() == ("Der 01.01.2029 liegt nach heute (15.01.2028): was schon geschehen ist, lässt sich "
                               "nicht im Voraus erfassen.")
    assert run("measure", "list", AGS, "--json") == before
    assert run("--now", "2028-01-15T10:00", "measure", "status", AGS, "m-rad", "done", "--on", "2028-01-15",
               *AS).strip() == "Maßnahme m-rad: umgesetzt seit 15.01.2028."
