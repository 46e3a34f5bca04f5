"""The action programme's tree and its corrections from the command line, as a coordinator types
them: goals under goals, measures with resources linked to indicators, every correction with
`--reason`, and `zyklus history` saying who changed what, when and why."""

from __future__ import annotations

import json
from pathlib import Path

from zyklus.app.history_text import PROGRAMME_STEPS
from engine_support import cli_env, cli_in, start_erfurt_by_cli, zyklus

AGS = "16051000"
AS = ("--as", "anna@erfurt.example")


def test_the_tree_and_its_corrections_from_the_command_line(tmp_path: Path) -> None:
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)

    guideline = json.loads(run("goal", "add", AGS, "ll-klima", "--title", "Klimaneutrale Stadt", "--theme",
                               "Klima und Energie", "--level", "guideline", "--json", *AS))
    assert (guideline["level"], guideline["parent"], guideline["theme_field"]) == ("guideline", None,
                                                                                  "Klima und Energie")
    run("goal", "add", AGS, "sz-klima", "--title", "Emissionen halbieren", "--parent", "ll-klima", *AS)
    assert run("goal", "add", AGS, "oz-pv", "--title", "20 MW PV", "--parent", "sz-klima", "--level", "operative",
               "--target-year", "2030", "--sdg-target", "7.2", *AS).strip() == f"Ziel oz-pv für {AGS} angelegt."
    refused = run("goal", "add", AGS, "x", "--title", "X", "--parent", "ll-klima", "--level", "operative", *AS,
                  code=1)
    assert refused.count("\n") == 1 and "--parent ll-klima passt nicht" in refused
    listed = run("goal", "list", AGS)
    assert "Leitlinie: Klimaneutrale Stadt" in listed and "    operatives Ziel: 20 MW PV (2030)" in listed
    assert [(g["id"], g["parent"]) for g in json.loads(run("goal", "list", AGS, "--json"))] == [
        ("ll-klima", None), ("sz-klima", "ll-klima"), ("oz-pv", "sz-klima")]

    run("indicator", "adopt", AGS, "thg-haushalte", *AS)
    measure = json.loads(run("measure", "add", AGS, "m-pv", "--title", "PV auf Schuldächern", "--goal", "oz-pv",
                             "--costs", "120000", "--staff", "0,5", "--json", *AS))
    assert (measure["costs"], measure["staff"], measure["theme_field"]) == (120000.0, 0.5, "Klima und Energie")
    assert json.loads(run("measure", "link", AGS, "m-pv", "thg-haushalte", "--json", *AS)) == {
        "measure": "m-pv", "indicator": "thg-haushalte", "linked": True}
    assert "bereits" in run("measure", "link", AGS, "m-pv", "thg-haushalte", *AS, code=1)
    changed = json.loads(run("measure", "update", AGS, "m-pv", "--progress", "40", "--reason", "Halbjahresbericht",
                             "--json", *AS))
    assert (changed["progress"], changed["indicators"]) == (40, ["thg-haushalte"])
    assert "0 bis 100" in run("measure", "update", AGS, "m-pv", "--progress", "140", *AS, code=1)

    # Values and targets: the old `indicator target AGS KEY YEAR VALUE` still sets one.
    run("indicator", "target", AGS, "thg-haushalte", "2030", "5,5", *AS)
    run("indicator", "record", AGS, "thg-haushalte", "2024", "6,8", "--source", "BISKO 2025", *AS)
    run("indicator", "record", AGS, "thg-haushalte", "2024", "6,9", "--source", "BISKO 2026", "--reason",
        "Neuberechnung", *AS)
    assert run("indicator", "target", "delete", AGS, "thg-haushalte", "2030", "--reason", "nicht beschlossen",
               *AS).strip() == "Zielwert 2030 von thg-haushalte gelöscht (5,5; im Verlauf festgehalten)."
    assert json.loads(run("indicator", "value", "delete", AGS, "thg-haushalte", "2024", "--json", *AS)) == {
        "year": 2024, "value": 6.9}
    assert "2024" in run("indicator", "value", "delete", AGS, "thg-haushalte", "2024", *AS, code=1)
    updated = json.loads(run("indicator", "update", AGS, "thg-haushalte", "--sdg-target", "13.2", "--goal",
                             "sz-klima", "--json", *AS))
    assert (updated["sdg"], updated["sdg_target"], updated["goal"]) == (13, "13.2", "sz-klima")
    assert "Untergrenze" in run("indicator", "update", AGS, "thg-haushalte", "--direction", "korridor", *AS, code=1)
    redefined = json.loads(run("indicator", "update", AGS, "thg-haushalte", "--direction", "korridor", "--band-low",
                               "4,5", "--band-high", "5,5", "--definition", "Emissionen der Haushalte nach BISKO",
                               "--values-due", "06-30", "--publication-lag", "2", "--json", *AS))
    assert (redefined["direction"], redefined["band"], redefined["definition"], redefined["values_due"],
            redefined["publication_lag"]) == ("band", [4.5, 5.5], "Emissionen der Haushalte nach BISKO", "06-30", 2)

    assert "darunter stehen noch oz-pv" in run("goal", "delete", AGS, "sz-klima", *AS, code=1)
    run("goal", "update", AGS, "ll-klima", "--title", "Klimaneutral bis 2040", "--reason", "Ratsbeschluss", *AS)
    assert json.loads(run("measure", "delete", AGS, "m-pv", "--reason", "doppelt", "--json", *AS)) == {
        "kind": "measure", "id": "m-pv"}
    assert json.loads(run("indicator", "delete", AGS, "thg-haushalte", "--json", *AS)) == {
        "kind": "indicator", "id": "thg-haushalte"}
    assert run("goal", "delete", AGS, "oz-pv", *AS).strip() == "Ziel oz-pv gelöscht (im Verlauf festgehalten)."

    history = json.loads(run("history", AGS, "--json"))
    changes = [(h["kind"], h["trigger"], h["actor"], h["reason"]) for h in history
               if h["kind"] not in ("start", *PROGRAMME_STEPS)]  # the corrections (the steps: test_programme_structure)
    assert changes == [
        ("measure_linked", "m-pv", "anna@erfurt.example", None),
        ("measure_updated", "m-pv", "anna@erfurt.example", "Halbjahresbericht"),
        ("value_corrected", "thg-haushalte", "anna@erfurt.example", "Neuberechnung"),
        ("target_deleted", "thg-haushalte", "anna@erfurt.example", "nicht beschlossen"),
        ("value_deleted", "thg-haushalte", "anna@erfurt.example", None),
        ("indicator_updated", "thg-haushalte", "anna@erfurt.example", None),
        ("indicator_updated", "thg-haushalte", "anna@erfurt.example", None),
        ("goal_updated", "ll-klima", "anna@erfurt.example", "Ratsbeschluss"),
        ("measure_deleted", "m-pv", "anna@erfurt.example", "doppelt"),
        ("indicator_deleted", "thg-haushalte", "anna@erfurt.example", None),
        ("goal_deleted", "oz-pv", "anna@erfurt.example", None)]
    corrected = next(h for h in history if h["kind"] == "value_corrected")["details"]
    assert (corrected["previous"], corrected["previous_source"]) == (6.8, "BISKO 2025")
    table = zyklus("history", AGS, cwd=tmp_path, env=cli_env(COLUMNS="300")).stdout  # no wrapping
    for words in ("Wert korrigiert", "Quelle vorher: BISKO 2025", "Halbjahresbericht", "Klimaneutral bis 2040",
                  "Maßnahme gelöscht"):
        assert words in table, words


def test_a_goal_is_moved_in_the_tree_and_a_measure_loses_its_goal(tmp_path: Path) -> None:
    """"Entered as strategic but operative", "belongs under the other Leitlinie", "no goal any more"."""
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)
    run("goal", "add", AGS, "ll-klima", "--title", "Klimaneutrale Stadt", "--theme", "Klima und Energie", "--level",
        "guideline", *AS)
    run("goal", "add", AGS, "ll-mobil", "--title", "Mobilität für alle", "--theme", "Mobilität", "--level",
        "guideline", *AS)
    run("goal", "add", AGS, "sz-klima", "--title", "Emissionen halbieren", "--parent", "ll-klima", *AS)
    run("goal", "add", AGS, "sz-pv", "--title", "20 MW PV", "--parent", "ll-klima", *AS)  # meant as operative
    run("measure", "add", AGS, "m-pv", "--title", "PV auf Schuldächern", "--goal", "sz-pv", *AS)
    before = run("goal", "list", AGS, "--json")

    refused = run("goal", "update", AGS, "sz-pv", "--level", "operative", *AS, code=1)
    assert refused.count("\n") == 1 and "Als operatives Ziel passt sz-pv nicht unter ll-klima" in refused
    assert "eigenes übergeordnetes Ziel" in run("goal", "update", AGS, "sz-pv", "--parent", "sz-pv", *AS, code=1)
    run("goal", "add", AGS, "oz-x", "--title", "X", "--level", "operative", "--parent", "sz-klima", *AS)
    refused = run("goal", "update", AGS, "sz-klima", "--level", "guideline", "--parent", "", *AS, code=1)
    assert refused.count("\n") == 1 and "solange Ziele darunter stehen: oz-x" in refused
    run("goal", "delete", AGS, "oz-x", *AS)
    assert run("goal", "list", AGS, "--json") == before  # nothing of that changed the tree

    moved = json.loads(run("goal", "update", AGS, "sz-pv", "--level", "operative", "--parent", "sz-klima",
                           "--reason", "war operativ gemeint", "--json", *AS))
    assert (moved["level"], moved["parent"], moved["theme_field"]) == ("operative", "sz-klima", "Klima und Energie")
    assert run("goal", "update", AGS, "sz-klima", "--parent", "ll-mobil", *AS).strip() == "Ziel sz-klima geändert."
    goals = {g["id"]: g for g in json.loads(run("goal", "list", AGS, "--json"))}
    assert [(goals[k]["parent"], goals[k]["theme_field"]) for k in ("sz-klima", "sz-pv")] == [
        ("ll-mobil", "Mobilität"), ("sz-klima", "Mobilität")]
    assert json.loads(run("measure", "list", AGS, "--json"))[0]["theme_field"] == "Mobilität"  # down the branch
    cleared = json.loads(run("goal", "update", AGS, "sz-klima", "--parent", "", "--json", *AS))
    assert (cleared["level"], cleared["parent"], cleared["theme_field"]) == ("strategic", None, "Mobilität")

    alone = json.loads(run("measure", "update", AGS, "m-pv", "--goal", "", "--reason", "kein Ziel mehr", "--json",
                           *AS))
    assert (alone["goal"], alone["theme_field"]) == (None, "Mobilität")
    themed = json.loads(run("measure", "update", AGS, "m-pv", "--theme", "Energie", "--json", *AS))
    assert (themed["goal"], themed["theme_field"]) == (None, "Energie")

    history = [h for h in json.loads(run("history", AGS, "--json")) if h["kind"] in ("goal_updated",
                                                                                      "measure_updated")]
    assert [(h["trigger"], h["reason"], h["details"]["changes"]) for h in history] == [
        ("sz-pv", "war operativ gemeint", {"level": {"old": "strategic", "new": "operative"},
                                           "parent": {"old": "ll-klima", "new": "sz-klima"}}),
        ("sz-klima", None, {"theme_field": {"old": "Klima und Energie", "new": "Mobilität"},
                            "parent": {"old": "ll-klima", "new": "ll-mobil"}}),
        ("sz-klima", None, {"parent": {"old": "ll-mobil", "new": None}}),
        ("m-pv", "kein Ziel mehr", {"goal": {"old": "sz-pv", "new": None}}),
        ("m-pv", None, {"theme_field": {"old": "Mobilität", "new": "Energie"}})]
    english = run("--lang", "en", "goal", "update", AGS, "sz-pv", "--level", "guideline", *AS, code=1)
    assert english.strip() == ('sz-pv cannot stand under sz-klima (strategic goal) as guideline: name a fitting '
                               'parent with --parent, or none with --parent "".')


def test_a_correction_shows_what_it_corrected_with_every_digit(tmp_path: Path) -> None:
    """-1.250,5 typed with a misplaced comma and corrected to -125,5: rounded to the indicator's 0
    decimals the line and the history said „-126 (ersetzt -1.250)“ and hid what was corrected."""
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)
    run("indicator", "adopt", AGS, "finanzmittelsaldo", *AS)
    assert run("indicator", "record", AGS, "finanzmittelsaldo", "2022", "-1.250,5", *AS).strip() == (
        "finanzmittelsaldo 2022: -1.251 € je Einwohner:in erfasst.")  # a first value as the indicator shows it
    assert run("indicator", "record", AGS, "finanzmittelsaldo", "2022", "-125,5", "--reason", "Komma falsch",
               *AS).strip() == "finanzmittelsaldo 2022: -125,5 € je Einwohner:in erfasst (ersetzt -1.250,5)."
    assert run("indicator", "value", "delete", AGS, "finanzmittelsaldo", "2022", *AS).strip() == (
        "Wert 2022 von finanzmittelsaldo gelöscht (-125,5; im Verlauf festgehalten).")
    table = zyklus("history", AGS, cwd=tmp_path, env=cli_env(COLUMNS="300")).stdout
    assert "Wert korrigiert: finanzmittelsaldo 2022: -1.250,5 → -125,5" in table
    assert "Wert gelöscht: finanzmittelsaldo 2022 (-125,5)" in table
    english = zyklus("--lang", "en", "indicator", "record", AGS, "finanzmittelsaldo", "2023", "-1,250.5", *AS,
                     cwd=tmp_path, env=cli_env())
    assert english.returncode == 0, english.stderr
    corrected = zyklus("--lang", "en", "indicator", "record", AGS, "finanzmittelsaldo", "2023", "-125.5", "--reason",
                       "comma", *AS, cwd=tmp_path, env=cli_env())
    assert "-125.5" in corrected.stdout and "-1,250.5" in corrected.stdout, corrected.stdout


def test_a_refused_cost_is_shown_in_the_readers_notation(tmp_path: Path) -> None:
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)
    refused = run("measure", "add", AGS, "m-pv", "--title", "PV", "--theme", "Klima und Energie", "--costs", "-100",
                  *AS, code=1)
    assert refused.strip() == "--costs darf nicht negativ sein: -100"
    refused = run("measure", "add", AGS, "m-pv", "--title", "PV", "--theme", "Klima und Energie", "--staff",
                  "-1.000,5", *AS, code=1)
    assert refused.strip() == "--staff darf nicht negativ sein: -1.000,5"
    english = zyklus("--lang", "en", "measure", "add", AGS, "m-pv", "--title", "PV", "--theme", "Klima und Energie",
                     "--costs", "-1,000.5", *AS, cwd=tmp_path, env=cli_env())
    assert english.returncode == 1 and english.stderr.strip().endswith(": -1,000.5"), english.stderr
    assert "0 bis 100" in run("measure", "add", AGS, "m-pv", "--title", "PV", "--theme", "Klima und Energie",
                              "--progress", "40,5", *AS, code=1)
    assert "m-pv" not in run("measure", "list", AGS)
