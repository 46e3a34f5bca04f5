"""Yearly values in bulk as a coordinator uses them: `indicator value import` of a CSV or XLSX
file, every row or none with every problem at once, and `indicator value export` in the same
format, so exporting and importing again changes nothing. Real files in the test's folder, the
CLI in this process."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from engine.clock import FixedClock
from engine.indicators.programme import Programme
from engine_support import (AGS, COORDINATOR, NOW, STEERING_ONLY, Member, cli_env, make_service, setup_municipality,
                            sqlite_url, structure, zyklus)

AS = ("--as", COORDINATOR)
THG, EE, SALDO = "thg-haushalte", "ee-strom-anteil", "saldo"
BISKO = "Kommunale Energie- und THG-Bilanz (BISKO)"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A municipality with a running cycle, two catalogue indicators and an own one."""
    service = make_service(sqlite_url(tmp_path / "zyklus.db"), FixedClock(NOW))
    setup_municipality(service, people=[*structure(), Member("Sigrid", STEERING_ONLY, ("steering_group",))])
    programme = Programme(service)
    programme.adopt(AGS, [THG, EE], actor=COORDINATOR)
    programme.add(AGS, {"id": SALDO, "name": "Wanderungssaldo", "sdg": "11", "unit": "Personen",
                        "direction": "increase", "decimals": "0"}, actor=COORDINATOR)
    service.engine.dispose()
    return tmp_path


def run(folder: Path, *args: str, lang: str | None = None):  # noqa: ANN201 - CompletedProcess
    return zyklus(*(("--lang", lang) if lang else ()), *args, cwd=folder,
                  env=cli_env(ZYKLUS_DB=sqlite_url(folder / "zyklus.db")))


def stored(folder: Path) -> dict[tuple[str, int], tuple[float, str | None]]:
    result = run(folder, "indicator", "list", AGS, "--json")
    assert result.returncode == 0, result.stderr
    return {(i["id"], v["year"]): (v["value"], v["source"]) for i in json.loads(result.stdout) for v in i["values"]}


def history(folder: Path) -> list[dict]:
    result = run(folder, "history", AGS, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_german_csv_is_imported_and_its_export_reads_back_unchanged(folder: Path) -> None:
    (folder / "werte.csv").write_bytes(
        "Indikator;Jahr;Wert;Quelle\n"
        f"{THG};2023;6,8;\n"
        f"{THG};2024;6,25;Neuberechnung Klimaschutzmanagement\n"
        f"{SALDO};2024;1.250;Melderegister Straße 1\n"  # „1.250“ is twelve hundred fifty in German
        f"{SALDO};2025;-1.234,5;\n".encode("cp1252"))  # what Excel saves in a German Windows
    result = run(folder, "indicator", "value", "import", AGS, "werte.csv", *AS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"werte.csv für {AGS} importiert: 4 neu, 0 geändert, 0 unverändert.",
        f"  {THG}: 2 neu, 0 geändert, 0 unverändert",
        f"  {SALDO}: 2 neu, 0 geändert, 0 unverändert"]
    assert stored(folder) == {(THG, 2023): (6.8, BISKO), (THG, 2024): (6.25, "Neuberechnung Klimaschutzmanagement"),
                              (SALDO, 2024): (1250.0, "Melderegister Straße 1"), (SALDO, 2025): (-1234.5, None)}

    result = run(folder, "indicator", "value", "export", AGS, "export.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"4 Werte aus Zyklus 1 von {AGS} nach export.csv geschrieben.\n"
    assert (folder / "export.csv").read_text("utf-8-sig").splitlines() == [
        "indicator;year;value;source",
        f"{SALDO};2024;1.250;Melderegister Straße 1",
        f"{SALDO};2025;-1.234,5;",
        f"{THG};2023;6,8;{BISKO}",
        f"{THG};2024;6,25;Neuberechnung Klimaschutzmanagement"]
    entries = len(history(folder))
    again = run(folder, "indicator", "value", "import", AGS, "export.csv", *AS, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["unchanged"] == 4
    assert len(history(folder)) == entries
    assert not list(folder.glob("*.part"))


def test_an_xlsx_takes_numbers_as_numbers_and_text_in_the_files_notation(folder: Path) -> None:
    xlsx(folder / "werte.xlsx", [["indicator", "year", "value", "source", "reason"],
                                 [THG, 2022, 7.125, None, None],
                                 [THG, 2023.0, "1.250,5", "Tabelle", "aus dem Bericht"],  # text cell, German
                                 [EE, "2024", 48, None, None]])
    result = run(folder, "indicator", "value", "import", AGS, "werte.xlsx", *AS)
    assert result.returncode == 0, result.stderr
    assert stored(folder)[(THG, 2023)] == (1250.5, "Tabelle")
    assert stored(folder)[(THG, 2022)] == (7.125, BISKO)

    result = run(folder, "indicator", "value", "export", AGS, "alle.xlsx", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"file": "alle.xlsx", "cycle": 1, "values": 3, "indicators": 2}
    sheet = load_workbook(folder / "alle.xlsx", read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["indicator", "year", "value", "source"]
    assert rows[1:] == [[EE, 2024, 48, BISKO], [THG, 2022, 7.125, BISKO], [THG, 2023, 1250.5, "Tabelle"]]
    again = run(folder, "indicator", "value", "import", AGS, "alle.xlsx", *AS, "--json")
    assert (json.loads(again.stdout)["added"], json.loads(again.stdout)["changed"]) == (0, 0)


def test_english_notation_by_option_or_session(folder: Path) -> None:
    (folder / "en.csv").write_text(f'indicator,year,value\n{SALDO},2023,"1,250.5"\n{SALDO},2024,1.250\n',
                                   encoding="utf-8")
    assert run(folder, "indicator", "value", "import", AGS, "en.csv", *AS, "--numbers", "en").returncode == 0
    assert {k: v for (k, v) in stored(folder).items() if k[0] == SALDO} == {
        (SALDO, 2023): (1250.5, None), (SALDO, 2024): (1.25, None)}  # "1.250" is one and a quarter in English

    refused = run(folder, "indicator", "value", "import", AGS, "en.csv", *AS)  # a German session reads German
    assert refused.returncode == 1
    assert "Zeile 2, Spalte value: „1,250.5“ ist keine Zahl in deutscher Schreibweise" in refused.stderr

    result = run(folder, "indicator", "value", "export", AGS, "out.csv", lang="en")
    assert result.stdout == f"2 values of cycle 1 of {AGS} written to out.csv.\n"
    assert (folder / "out.csv").read_text("utf-8-sig").splitlines()[1:] == [
        f'{SALDO},2023,"1,250.5",', f"{SALDO},2024,1.25,"]
    assert run(folder, "indicator", "value", "export", AGS, "de.csv", "--numbers", "de", lang="en").returncode == 0
    assert (folder / "de.csv").read_text("utf-8-sig").splitlines()[1] == f"{SALDO};2023;1.250,5;"


def test_every_problem_of_the_file_is_reported_at_once_and_nothing_is_stored(folder: Path) -> None:
    good = [f"{key};{year};{year - 1900},5;" for key in (THG, EE, SALDO) for year in range(1900, 2027)]
    bad = [f"{THG};1950;1,0;",            # the same indicator and year again
           "co2;2020;5;",                 # an indicator the cycle does not have
           f"{EE};2031;12,5;",            # a year in the future
           f"{SALDO};2020;12.5;",         # a number German notation cannot read for sure
           f"{SALDO};2021;;",             # no value
           f"{SALDO};20x1;abc;",          # two problems in one row
           f"{THG} x;2020;1;",            # not an id
           f"{THG};2010;1;a;b"]           # more cells than columns
    (folder / "werte.csv").write_text("indicator;year;value;source\n" + "\n".join(good + bad) + "\n", encoding="utf-8")
    result = run(folder, "indicator", "value", "import", AGS, "werte.csv", *AS)
    assert result.returncode == 1
    first = len(good) + 2
    assert result.stderr.splitlines() == [
        "Import aus werte.csv abgelehnt, nichts wurde gespeichert (9 Fehler):",
        f"  Zeile {first}, Spalte year: {THG} für 1950 steht schon in Zeile 52.",
        f"  Zeile {first + 1}, Spalte indicator: {AGS} hat in Zyklus 1 keinen Indikator 'co2'; "
        f"`zyklus indicator list {AGS}` zeigt alle.",
        f"  Zeile {first + 2}, Spalte year: Ungültiges Jahr '2031': erwartet wird eine Jahreszahl von 1900 bis 2027.",
        f"  Zeile {first + 3}, Spalte value: „12.5“ ist keine Zahl in deutscher Schreibweise: 1.234,5 oder 1234,5 "
        "oder −5 (der Punkt trennt nur Tausendergruppen, das Komma die Nachkommastellen).",
        f"  Zeile {first + 4}, Spalte value: value darf nicht leer sein.",
        f"  Zeile {first + 5}, Spalte year: Ungültiges Jahr '20x1': erwartet wird eine Jahreszahl von 1900 bis 2027.",
        f"  Zeile {first + 5}, Spalte value: „abc“ ist keine Zahl in deutscher Schreibweise: 1.234,5 oder 1234,5 "
        "oder −5 (der Punkt trennt nur Tausendergruppen, das Komma die Nachkommastellen).",
        f"  Zeile {first + 6}, Spalte indicator: Ungültige Kennung 'thg-haushalte x': erlaubt sind Buchstaben, "
        "Ziffern, Punkt, Binde- und Unterstrich (höchstens 64 Zeichen).",
        f"  Zeile {first + 7}, Spalte –: mehr Zellen als Spalten (Trennzeichen im Text? Dann Zelle in "
        "Anführungszeichen setzen)."]
    assert result.stdout == ""
    assert stored(folder) == {}


def test_a_corrected_value_keeps_its_old_value_and_source_in_the_history(folder: Path) -> None:
    assert run(folder, "indicator", "record", AGS, THG, "2024", "6,8", *AS).returncode == 0
    xlsx(folder / "korrektur.xlsx", [["indikator", "jahr", "wert", "quelle", "bemerkung"],
                                     [THG, 2024, 6.9, "BISKO 2026", "Neuberechnung"],
                                     [THG, 2025, 6.5, None, None]])
    result = run(folder, "indicator", "value", "import", AGS, "korrektur.xlsx", *AS, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["indicators"] == [
        {"indicator": THG, "added": 1, "changed": 1, "unchanged": 0}]
    [entry] = [h for h in history(folder) if h["kind"] == "value_corrected"]
    assert (entry["trigger"], entry["actor"], entry["reason"]) == (THG, COORDINATOR, "Neuberechnung")
    assert entry["details"] == {"year": 2024, "value": 6.9, "previous": 6.8, "source": "BISKO 2026",
                                "previous_source": BISKO, "decimals": 2}
    table = run(folder, "history", AGS).stdout
    assert "6,8 → 6,9" in table  # as stored, not padded to the indicator's two decimals


def test_json_and_a_pipe_get_no_progress_but_a_terminal_does(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zyklus.cli.common import console

    (folder / "werte.csv").write_text(f"indicator;year;value\n{SALDO};2020;5\n", encoding="utf-8")
    piped = run(folder, "indicator", "value", "import", AGS, "werte.csv", *AS)
    assert piped.stdout.splitlines()[0].startswith("werte.csv für") and "\x1b" not in piped.stdout
    monkeypatch.setattr(console, "_force_terminal", True)  # as if standard output were a terminal
    monkeypatch.setattr(console, "is_interactive", True)
    as_json = run(folder, "indicator", "value", "import", AGS, "werte.csv", *AS, "--json")
    assert json.loads(as_json.stdout)["unchanged"] == 1 and as_json.stderr == ""
    on_terminal = run(folder, "indicator", "value", "import", AGS, "werte.csv", *AS)
    assert "Datei lesen" in on_terminal.stdout and "Werte speichern" in on_terminal.stdout


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (65 * 2**20))  # 65 MB of nothing, 65 kB packed
    return path


@pytest.mark.parametrize(("name", "content", "said"), [
    ("werte.xlsx", "indicator;year;value\n".encode(), "werte.xlsx ist keine XLSX-Arbeitsmappe"),
    ("werte.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary", "werte.csv ist keine Textdatei"),
    ("werte.csv", "indicator;year;value\n".encode("utf-16-le"), "werte.csv ist keine Textdatei"),
    ("werte.csv", b"", "werte.csv ist leer."),
    ("werte.ods", b"whatever", "werte.ods: Dateien mit der Endung .ods liest und schreibt zyklus nicht"),
    ("bomb.xlsx", None, "bomb.xlsx ist zu groß: höchstens 64 MB"),
])
def test_a_file_that_is_not_what_it_claims_is_refused_in_one_line(folder: Path, name: str, content: bytes | None,
                                                                  said: str) -> None:
    if content is None:
        _zip_bomb(folder / name)
    else:
        (folder / name).write_bytes(content)
    result = run(folder, "indicator", "value", "import", AGS, name, *AS)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(said), line
    assert stored(folder) == {}


def test_too_many_rows_are_refused_not_read_for_minutes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.indicators.values_file.MAX_ROWS", 10)
    (folder / "lang.csv").write_text("indicator;year;value\n" + "".join(f"{SALDO};{y};1\n" for y in range(2000, 2020)),
                                     encoding="utf-8")
    result = run(folder, "indicator", "value", "import", AGS, "lang.csv", *AS)
    assert (result.returncode, result.stderr) == (1, "lang.csv hat mehr als 10 Zeilen; bitte in mehrere Dateien teilen.\n")


def test_wrong_columns_and_a_header_without_rows(folder: Path) -> None:
    (folder / "spalten.csv").write_text("indicator;jahr;betrag\n", encoding="utf-8")
    result = run(folder, "indicator", "value", "import", AGS, "spalten.csv", *AS)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1] == ("Spalten passen nicht – unbekannt: betrag; fehlend: value; "
                                             "möglich sind: indicator, year, value, source, reason.")
    (folder / "leer.csv").write_text("indicator;year;value\n\n;;\n", encoding="utf-8")
    result = run(folder, "indicator", "value", "import", AGS, "leer.csv", *AS)
    assert result.stderr.splitlines()[1:] == ["  Die Datei enthält keine Werte."]


def test_exit_codes_and_a_failed_export_writes_no_file(folder: Path) -> None:
    (folder / "werte.csv").write_text(f"indicator;year;value\n{SALDO};2020;5\n", encoding="utf-8")
    assert run(folder, "indicator", "value", "import", AGS, "werte.csv", "--as", STEERING_ONLY).returncode == 1
    assert run(folder, "indicator", "value", "import", "16055000", "werte.csv", *AS).returncode == 1
    assert run(folder, "indicator", "value", "import", AGS, "fehlt.csv", *AS).returncode == 1
    refused = run(folder, "indicator", "value", "import", AGS, "werte.csv", *AS, "--numbers", "fr")
    assert (refused.returncode, refused.stderr.count("\n")) == (1, 1)
    assert run(folder, "indicator", "value", "import", AGS, *AS).returncode == 2  # usage: no file named
    assert stored(folder) == {}

    (folder / "ziel.csv").mkdir()  # the target is a folder: the rename fails, nothing is left behind
    result = run(folder, "indicator", "value", "export", AGS, "ziel.csv")
    assert result.returncode == 1 and result.stderr.startswith("ziel.csv kann nicht geschrieben werden")
    assert run(folder, "indicator", "value", "export", AGS, "fehlt/werte.csv").returncode == 1
    assert run(folder, "indicator", "value", "export", AGS, "werte.ods").returncode == 1
    assert not [p.name for p in folder.iterdir() if p.suffix in (".part", ".ods")] + list((folder / "ziel.csv").iterdir())


def test_export_of_a_cycle_without_values_writes_the_header(folder: Path) -> None:
    result = run(folder, "indicator", "value", "export", AGS, "leer.xlsx", "--cycle", "1", "--json")
    assert json.loads(result.stdout)["values"] == 0
    sheet = load_workbook(io.BytesIO((folder / "leer.xlsx").read_bytes()), read_only=True).worksheets[0]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [["indicator", "year", "value", "source"]]
