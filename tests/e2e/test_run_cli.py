"""`zyklus run …` as a user types it: a GNK Thüringen run with four conferences, attendance, the
overview as a table and as JSON, the label, and refusals that change nothing."""

from __future__ import annotations

import json
from pathlib import Path

from engine_support import cli_env, zyklus

ERFURT, WEIMAR, JENA = "16051000", "16055000", "16053000"
RUN = "gnk-th-2027"
ANNA = "anna@erfurt.de"


def test_a_run_from_the_command_line(tmp_path: Path) -> None:
    env = cli_env(ZYKLUS_NOW="2027-01-04T09:00")

    def run(*args: str, code: int = 0) -> str:
        result = zyklus(*args, cwd=tmp_path, env=env)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        return result.stdout if code == 0 else result.stderr

    run("init")
    for ags, name in ((ERFURT, "Erfurt"), (WEIMAR, "Weimar"), (JENA, "Jena")):
        run("municipality", "add", ags, name)
        run("person", "add", ags, "--name", f"Koordination {name}", "--email", f"k@{name.lower()}.de",
            "--role", "coordination")
        run("cycle", "start", ags, "--on", "2027-01-04")
    run("run", "add", RUN, "--name", "GNK Thüringen, 3. Durchgang 2027–2029",
        "--organiser", "Zukunftsfähiges Thüringen e.V.")
    for ags in (ERFURT, WEIMAR, JENA):
        run("run", "join", RUN, ags, "--on", "2027-01-04")
    for n, (on, place) in enumerate((("2027-03-10", "Erfurt"), ("2027-09-15", "Weimar"),
                                     ("2028-03-08", "Jena"), ("2028-09-13", "Erfurt")), start=1):
        run("run", "event", "add", RUN, f"tagung-{n}", "--on", on, "--place", place, "--topic", f"{n}. Netzwerktagung")
    events = json.loads(run("run", "event", "list", RUN, "--json"))
    assert [(e["event"], e["on"]) for e in events][0] == ("tagung-1", "2027-03-10") and len(events) == 4

    assert run("run", "attend", RUN, "tagung-1", ERFURT, "--count", "3", "--name", "Anna Koch").strip() == \
        "Teilnahme von 16051000 an tagung-1 erfasst: 3 Personen."
    run("run", "leave", RUN, JENA, "--on", "2027-04-01")

    env["ZYKLUS_NOW"] = "2027-04-14T09:00"
    status = json.loads(run("run", "status", RUN, "--json"))
    assert [p["ags"] for p in status["participants"]] == [ERFURT, WEIMAR]  # Jena left
    assert status["participants"][0]["phase"] == "application" and status["participants"][0]["overdue_days"] > 0
    table = run("run", "status", RUN)
    assert "Erfurt" in table and "Jena" not in table

    # refused: one line, exit 1, nothing changed
    assert run("run", "join", RUN, ERFURT, "--on", "2027-05-01", code=1).strip() == \
        "16051000 nimmt schon am Durchgang gnk-th-2027 teil."
    assert run("run", "show", "gibt-es-nicht", code=1).strip() == "Unbekannter Programmdurchgang: gibt-es-nicht"
    assert len(json.loads(run("run", "show", RUN, "--json"))["participants"]) == 3

    env["ZYKLUS_NOW"] = "2028-03-09T18:00"  # the council's day: what is recorded has happened
    run("record", WEIMAR, "council_resolution", "--set", "date=2028-03-09", "--set", "body=Stadtrat",
        "--set", "reference=DS 0371/28", "--set", "result=adopted", "--on", "2028-03-09", "--as", "k@weimar.de")
    env["ZYKLUS_NOW"] = "2029-07-08T10:00"
    awarded = " ".join(run("run", "award", RUN, "--on", "2029-07-08").split())  # rich wraps at 80 columns
    assert "✗ Erfurt (16051000): nicht ausgezeichnet, es fehlt: council_resolution" in awarded
    assert "✓ Weimar (16055000): ausgezeichnet als Global Nachhaltige Kommune Thüringen am 08.07.2029" in awarded
    assert json.loads(run("status", ERFURT, "--json"))["awards"] == []
    assert ("Ausgezeichnet als Global Nachhaltige Kommune Thüringen am 08.07.2029 (Zukunftsfähiges Thüringen e.V.)"
            in " ".join(run("status", WEIMAR).split()))
    [entry] = [e for e in json.loads(run("history", WEIMAR, "--json")) if e["kind"] == "award"]
    assert (entry["on"], entry["details"]["label"]) == ("2029-07-08", "Global Nachhaltige Kommune Thüringen")
    assert "Auszeichnung:" in run("history", WEIMAR)
