"""A coordinator runs a cycle with indicators through the evaluation, gets report.html, and the
reminder sweep (`zyklus remind --now …`) starts cycle 2 on the date the restart rule names —
one process per command, as typed."""

from __future__ import annotations

import email
import email.policy
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from engine_support import cli_env, zyklus

AGS = "16051000"
ANNA = "anna.koch@erfurt.example"
AS = ("--as", ANNA)
VARIANT = """
schema = 1
name = "kommune-zweijahre"
extends = "kommune"
label = { de = "Kommunaler Nachhaltigkeitszyklus, alle zwei Jahre", en = "Municipal cycle, every two years" }

[restart]
phase = "inventory"
anchor = "previous_start"
after = "P2Y"
"""
PHASE_STEPS = [  # (facts to record with their --set values, day of the advance)
    ([("public_information", ["channel=Pressemitteilung"])], "2027-02-01"),
    ([("inventory_report", ["title=Bestandsaufnahme 2027", "theme_fields=Klima und Energie; Mobilität"])], "2027-04-01"),
    ([("workshop", ["topic=Leitlinien"]),
      ("action_programme", ["title=Handlungsprogramm", "guidelines=L", "strategic_goals=S", "operative_goals=O",
                            "measures=M", "resources=R", "indicators=I"])], "2027-06-01"),
    ([("council_resolution", ["date=2027-06-20", "body=Stadtrat", "reference=DS 0371/27",
                              "result=adopted"])], "2027-07-01"),
    ([("monitoring_report", ["period=2027"])], "2027-09-01"),
]


class Report(HTMLParser):
    """Collects what a reader sees: the text, and each inline SVG as its own XML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.svgs: list[str] = []
        self.scripts = 0
        self.external: list[str] = []
        self._svg: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        # what a browser would fetch; a link (<a href>: the contents, a source) is followed only when clicked
        self.external += [v for k, v in attrs if (k == "src" or (k == "href" and tag != "a")) and v]
        if tag == "svg":
            self._svg = []
        if self._svg is not None:
            self._svg.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if self._svg is not None:
            self._svg.append(f"</{tag}>")
            if tag == "svg":
                self.svgs.append("".join(self._svg))
                self._svg = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._svg is not None:
            self._svg.append(self.get_starttag_text() or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._svg is not None:
            self._svg.append(data.replace("&", "&amp;").replace("<", "&lt;"))


def test_a_cycle_with_indicators_ends_in_a_report_and_restarts_on_its_date(tmp_path: Path) -> None:
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "kommune-zweijahre.toml").write_text(VARIANT, encoding="utf-8")
    (tmp_path / "config.toml").write_text('[general]\nworkflow_dirs = ["workflows"]\n', encoding="utf-8")
    env = cli_env(ZYKLUS_NOW="2027-12-01T09:00")

    def run(*args: str, code: int = 0) -> str:
        result = zyklus(*args, cwd=tmp_path, env=env)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        return result.stdout if code == 0 else result.stderr

    run("init")
    run("municipality", "add", AGS, "Erfurt")
    run("person", "add", AGS, "--name", "Anna Koch", "--email", ANNA, "--role", "coordination", "--consent-publish")
    run("person", "add", AGS, "--name", "Bernd Geheim", "--email", "bernd@erfurt.example", "--role", "core_team",
        "--organisation", "Umweltamt")
    run("person", "add", AGS, "--name", "Clara Privat", "--email", "clara@erfurt.example", "--role", "core_team")
    # (coordination ⊂ core team ⊂ steering group: these three fill the generic cycle's minimum sizes)
    run("cycle", "start", AGS, "--workflow", "kommune-zweijahre", "--on", "2027-01-04")

    # The action programme: a goal, a catalogue indicator, own indicators from CSV, measures.
    assert "thg-haushalte" in run("indicator", "catalogue", "--sdg", "13")
    run("goal", "add", AGS, "ll-klima", "--title", "Klimaneutrale Stadt", "--theme", "Klima und Energie",
        "--level", "guideline", *AS)
    run("goal", "add", AGS, "klima-1", "--title", "Emissionen der Haushalte senken", "--parent", "ll-klima", *AS)
    run("goal", "add", AGS, "oz-klima", "--title", "PV auf allen Schulen", "--parent", "klima-1",
        "--level", "operative", "--target-year", "2030", *AS)
    run("goal", "add", AGS, "ll-mobil", "--title", "Mobilität für alle", "--theme", "Mobilität",
        "--level", "guideline", *AS)
    run("goal", "add", AGS, "sz-mobil", "--title", "Umweltverbund stärken", "--parent", "ll-mobil", *AS)
    run("goal", "add", AGS, "oz-mobil", "--title", "Radverkehrsanteil 25 %", "--parent", "sz-mobil",
        "--level", "operative", *AS)
    assert run("indicator", "adopt", AGS, "thg-haushalte", "--goal", "klima-1", *AS).strip() == \
        f"1 Indikator für {AGS} übernommen: thg-haushalte."
    csv_file = tmp_path / "eigene.csv"
    csv_file.write_text("id;name;sdg;unit;direction;targets;theme_field\n"
                        "rad;Radverkehrsanteil;11;%;steigend;2030=25;Mobilität\n"
                        "bus;Busnutzung;18;%;steigend;;Mobilität\n", encoding="utf-8")
    refused = run("indicator", "import", AGS, str(csv_file), *AS, code=1).splitlines()
    assert refused == ["Import aus eigene.csv abgelehnt, nichts wurde gespeichert (1 Fehler):",
                       "  Zeile 3, Spalte sdg: SDG '18' gibt es nicht: die Nachhaltigkeitsziele sind von 1 bis 17 "
                       "nummeriert."]
    assert json.loads(run("indicator", "list", AGS, "--json"))[0]["id"] == "thg-haushalte"  # nothing imported
    csv_file.write_text(csv_file.read_text(encoding="utf-8").replace(";18;", ";11;"), encoding="utf-8")
    assert "2 Indikatoren aus eigene.csv" in run("indicator", "import", AGS, str(csv_file), *AS)
    assert run("indicator", "target", AGS, "thg-haushalte", "2030", "5,5", *AS).strip() == \
        "thg-haushalte: Zielwert 5,50 für 2030 gespeichert."
    run("indicator", "baseline", AGS, "thg-haushalte", "2019", "8", *AS)
    for year, value in (("2019", "8,0"), ("2020", "7,8"), ("2021", "7,5"), ("2022", "7,3"), ("2023", "7,0"),
                        ("2024", "6,8")):
        run("indicator", "record", AGS, "thg-haushalte", year, value, *AS, "--source", "BISKO-Bilanz")
    assert "SDG '0' gibt es nicht" in run("indicator", "add", AGS, "x", "--name", "X", "--sdg", "0", "--unit", "%",
                                          "--direction", "increase", *AS, code=1)
    assert "„NaN“ ist keine Zahl in deutscher Schreibweise" in run("indicator", "record", AGS, "rad", "2024", "NaN", *AS, code=1)
    run("measure", "add", AGS, "m-pv", "--title", "PV auf Schuldächern", "--goal", "klima-1",
        "--responsible", "Hochbauamt", "--end", "2027-10-31", "--costs", "120000", *AS)
    run("measure", "add", AGS, "m-rad", "--title", "Radwegenetz schließen", "--theme", "Mobilität", "--staff", "1",
        *AS)
    assert run("measure", "status", AGS, "m-pv", "done", "--on", "2027-08-15", *AS).strip() == \
        "Maßnahme m-pv: umgesetzt seit 15.08.2027."
    run("measure", "status", AGS, "m-rad", "delayed", "--note", "Förderbescheid fehlt", *AS)

    # Through the phases into the evaluation.
    for facts, day in PHASE_STEPS:
        for fact, values in facts:
            run("record", AGS, fact, *AS, "--on", day, *[arg for value in values for arg in ("--set", value)])
        run("advance", AGS, *AS, "--on", day)
    run("record", AGS, "evaluation", *AS, "--set", "summary=Ziele überwiegend auf Kurs")

    evaluation = json.loads(run("evaluate", AGS, "--json"))
    ghg = next(i for i in evaluation["indicators"] if i["id"] == "thg-haushalte")
    assert (ghg["symbol"], ghg["method"], round(ghg["share_reached"], 9)) == ("sun", "target", 0.48)
    assert evaluation["measures"]["counts"] == {"planned": 0, "in_progress": 0, "done": 1, "delayed": 1,
                                                "dropped": 0}
    assert [v["phase"] for v in evaluation["timeline"]] == ["setup", "inventory", "strategy", "council_resolution",
                                                             "implementation", "evaluation"]

    assert run("report", AGS, "--out", "bericht.html").strip() == "Bericht geschrieben: bericht.html"
    page = Report()
    page.feed((tmp_path / "bericht.html").read_text(encoding="utf-8"))
    text = " ".join(" ".join(page.text).split())
    assert "Nachhaltigkeitsbericht Erfurt" in text and "Zyklus 1" in text
    assert "Sonne" in text and "keine Bewertung" in text  # thg rated; rad and bus have no values yet
    assert "Regel Zielwert" in text and "Werte im Fenster 2019–2024 2019, 2020, 2021, 2022, 2023, 2024" in text
    assert "der letzten fünf Jahre" not in text and "letzten fünf jährlichen Veränderungen" in text
    for rule in ("Wert halten (", "Nur eine Zielrichtung", "Mehrere Ziele zugleich"):
        assert rule in text
    assert "Ausgangswert 8,00 t CO₂e je Einwohner:in (2019)" in text
    assert "Ziel 5,50 t CO₂e je Einwohner:in (2030)" in text and "Zielerreichung 48 %" in text
    assert "Emissionen der Haushalte senken" in text and "PV auf Schuldächern" in text
    assert "Das Handlungsprogramm hat der Stadtrat am 20.06.2027 beschlossen (DS 0371/27)." in text
    assert "Anna Koch" in text and "Umweltamt" in text and "N.N." in text
    for hidden in ("Bernd Geheim", "Clara Privat", "@erfurt.example"):
        assert hidden not in text
    assert page.scripts == 0 and page.external == []
    assert len(page.svgs) == 1
    chart = ET.fromstring(page.svgs[0])
    assert chart.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(chart.find(".//{http://www.w3.org/2000/svg}polyline").get("points").split()) == 6

    # Publishing the report completes the cycle; the next one is due two years after the start.
    run("advance", AGS, *AS, code=3)
    run("record", AGS, "report_published", *AS, "--set", "date=2027-11-30", "--set", "where=Amtsblatt und erfurt.de")
    done = run("advance", AGS, *AS)
    assert f"{AGS}: der nächste Zyklus beginnt am 04.01.2029." in done
    first = json.loads(run("cycles", AGS, "--json"))
    assert [(c["number"], c["outcome"], c["restart_on"]) for c in first] == [(1, "completed", "2029-01-04")]
    assert first[0]["report_published"] == {"date": "2027-11-30", "where": "Amtsblatt und erfurt.de"}

    assert "begonnen" not in run("remind", "--now", "2029-01-03T08:00")
    assert f"{AGS}: Zyklus 2 begonnen." in run("remind", "--now", "2029-01-04T08:00")
    assert "begonnen" not in run("remind", "--now", "2029-01-04T08:05")  # a second sweep starts nothing
    cycles = json.loads(run("cycles", AGS, "--json"))
    assert [(c["number"], c["started_on"], c["phase"]) for c in cycles] == [
        (1, "2027-01-04", "completed"), (2, "2029-01-04", "inventory")]
    assert cycles[1]["workflow"] == "kommune-zweijahre"
    inherited = {i["id"]: i for i in json.loads(run("indicator", "list", AGS, "--json"))}
    assert inherited["thg-haushalte"]["baseline"] == {"year": 2019, "value": 8.0}  # the adopted one
    again = json.loads(run("evaluate", AGS, "--json"))
    ghg = next(i for i in again["indicators"] if i["id"] == "thg-haushalte")
    assert round(ghg["share_reached"], 9) == 0.48  # goes on from where it stood, not 0 %
    assert ghg["earlier"] == [{"cycle": 1, "reference_year": 2027, "symbol": "sun", "method": "target", "kept": True}]
    assert ghg["window"] == {"first": 2019, "last": 2024} and ghg["years_used"] == list(range(2019, 2025))
    table = run("evaluate", AGS)
    assert "Zielwert" in table and "2019–2024" in table and "Zyklus 1 (2027): Sonne" in table
    assert inherited["thg-haushalte"]["targets"] == [{"year": 2030, "value": 5.5}]
    assert [m["id"] for m in json.loads(run("measure", "list", AGS, "--json"))] == ["m-rad"]

    mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in (tmp_path / "mail" / "new").iterdir()]
    started = [m for m in mails if m["Subject"].startswith("Der 2. Zyklus")]
    assert len(started) == 1 and started[0]["To"].addresses[0].addr_spec == ANNA


def test_a_new_indicator_with_a_deleted_ones_key_says_which_values_it_takes_over(tmp_path: Path) -> None:
    """Values belong to the municipality by key: a new indicator with the key of a deleted one
    counts them, which its confirmation says, never silently (walkthrough finding 26)."""
    from engine_support import cli_in, start_erfurt_by_cli

    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)
    me = ("--as", "anna@erfurt.example")
    run("indicator", "adopt", "16051000", "thg-haushalte", *me)
    for year in ("2024", "2025"):
        run("indicator", "record", "16051000", "thg-haushalte", year, "7,0", *me)
    run("indicator", "delete", "16051000", "thg-haushalte", "--reason", "falsch", *me)
    adopted = run("indicator", "adopt", "16051000", "thg-haushalte", *me)
    assert "thg-haushalte übernimmt 2 vorhandene Jahreswerte (2024–2025)" in " ".join(adopted.split())
    run("indicator", "delete", "16051000", "thg-haushalte", "--reason", "falsch", *me)
    added = run("indicator", "add", "16051000", "thg-haushalte", "--name", "Anders", "--sdg", "13", "--unit", "t",
                "--direction", "decrease", "--theme", "Klima", *me)
    assert "übernimmt 2 vorhandene Jahreswerte (2024–2025)" in " ".join(added.split())
    fresh = run("indicator", "adopt", "16051000", "ee-strom-anteil", *me)
    assert "übernimmt" not in fresh
