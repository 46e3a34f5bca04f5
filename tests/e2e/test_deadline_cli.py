"""`zyklus deadline set` (walkthrough #19): a date before the phase began or before today is
refused (tests/e2e/test_cli_edges.py); a date set by hand on a public holiday of the Land is kept
as typed (computed due dates are moved off holidays, a chosen one is not), and the confirmation
says that it is a holiday."""

from __future__ import annotations

from pathlib import Path

from engine_support import cli_in, start_erfurt_by_cli

AGS = "16051000"


def test_a_deadline_on_a_public_holiday_is_kept_and_the_confirmation_says_so(tmp_path: Path) -> None:
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)

    line = run("deadline", "set", AGS, "2027-10-03", "--as", "anna@erfurt.example", "--reason", "Ratssitzung")
    assert line.strip().endswith("auf 03.10.2027 gesetzt. Hinweis: Das ist ein Feiertag (Tag der Deutschen Einheit).")
    assert "2027-10-03" in run("status", AGS, "--json")

    english = run("--lang", "en", "deadline", "set", AGS, "2027-12-25", "--as", "anna@erfurt.example",
                  "--reason", "x")
    assert english.strip().endswith("set to 2027-12-25. Note: that is a public holiday (Erster Weihnachtstag).")

    plain = run("deadline", "set", AGS, "2027-10-04", "--as", "anna@erfurt.example", "--reason", "Ratssitzung")
    assert plain.strip().endswith("auf 04.10.2027 gesetzt.")
