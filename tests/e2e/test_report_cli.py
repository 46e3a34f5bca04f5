"""The report's texts and the PDF from the command line: `report text` writes what a coordinator
typed or saved in a file, `report texts` reads it back, `report AGS --out bericht.pdf` writes a
PDF, and a PDF that cannot be made leaves no file behind."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from engine_support import cli_in, require_weasyprint, start_erfurt_by_cli

AGS = "16051000"
AS = ("--as", "anna@erfurt.example")


@pytest.fixture
def run(tmp_path: Path):
    run = cli_in(tmp_path)
    start_erfurt_by_cli(run)
    run("goal", "add", AGS, "klima-1", "--title", "Emissionen senken", "--theme", "Klima und Energie", *AS)
    run("indicator", "adopt", AGS, "thg-haushalte", "--goal", "klima-1", *AS)
    return run


def test_the_texts_round_trip_through_the_command_line(run, tmp_path: Path) -> None:
    (tmp_path / "vorwort.txt").write_text("Liebe Erfurterinnen und Erfurter,\n\n<b>wir</b> berichten.\n",
                                          encoding="utf-8")
    assert run("report", "text", AGS, "foreword", "--file", "vorwort.txt", *AS).strip() == (
        "Text foreword gespeichert (56 Zeichen).")
    run("report", "text", AGS, "indicator:thg-haushalte", "--text", "Die Sanierung wirkt.", *AS)
    written = json.loads(run("report", "text", AGS, "leitbild", "--text", "Erfurt 2035", "--json", *AS))
    assert (written["kind"], written["text"], written["actor"]) == ("leitbild", "Erfurt 2035", "anna@erfurt.example")
    assert [(r["kind"], r["text"]) for r in json.loads(run("report", "texts", AGS, "--json"))] == [
        ("leitbild", "Erfurt 2035"), ("foreword", "Liebe Erfurterinnen und Erfurter,\n\n<b>wir</b> berichten."),
        ("indicator:thg-haushalte", "Die Sanierung wirkt.")]
    assert "## foreword (anna@erfurt.example, 01.03.2027)" in run("report", "texts", AGS)
    assert run("report", "text", AGS, "leitbild", "--text", "", *AS).strip() == "Text leitbild entfernt."

    assert run("report", AGS, "--out", "bericht.html").strip() == "Bericht geschrieben: bericht.html"
    html = (tmp_path / "bericht.html").read_text(encoding="utf-8")
    assert "<p>&lt;b&gt;wir&lt;/b&gt; berichten.</p>" in html and "Die Sanierung wirkt." in html
    assert 'id="leitbild"' not in html

    refused = run("report", "text", AGS, "vorwort", "--text", "x", *AS, code=1)
    assert refused.count("\n") == 1 and "'vorwort'" in refused
    assert "--file oder --text" in run("report", "text", AGS, "foreword", *AS, code=2)
    assert "kann" in run("report", "text", AGS, "foreword", "--file", "fehlt.txt", *AS, code=1).lower()


def test_a_pdf_is_written_whole_or_not_at_all(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_weasyprint()
    assert run("report", AGS, "--out", "bericht.pdf").strip() == "Bericht geschrieben: bericht.pdf"
    assert (tmp_path / "bericht.pdf").read_bytes().startswith(b"%PDF-")

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as without the extra installed
    refused = run("report", AGS, "--out", "neu.pdf", code=1)
    assert refused.count("\n") == 1 and "pip install 'zyklus[pdf]'" in refused
    assert sorted(p.name for p in tmp_path.iterdir() if "pdf" in p.name) == ["bericht.pdf"]  # no neu.pdf, no temp
    assert "Bericht kann nicht nach fehlt/bericht.html geschrieben werden" in run(
        "report", AGS, "--out", "fehlt/bericht.html", code=1)


def test_a_text_file_as_an_office_pc_saves_it_and_the_mistakes_around_it(run, tmp_path: Path) -> None:
    """A Windows-1252 file (what Notepad and Word's "Nur Text" save) is read as the CSV import
    reads it; a control character is refused for what it is (line breaks are fine); a missing file
    is said in German, not in the operating system's English."""
    (tmp_path / "latin1.txt").write_bytes("Grüße aus Erfurt,\r\nwir berichten.".encode("cp1252"))
    assert run("report", "text", AGS, "foreword", "--file", "latin1.txt", *AS).strip() == (
        "Text foreword gespeichert (32 Zeichen).")
    assert json.loads(run("report", "texts", AGS, "--json"))[0]["text"] == "Grüße aus Erfurt,\nwir berichten."
    assert run("report", "text", AGS, "foreword", "--text", "a\x01b", *AS, code=1).strip() == (
        "foreword darf keine Steuerzeichen enthalten (Zeilenumbrüche sind erlaubt).")
    assert run("report", "text", AGS, "foreword", "--file", "fehlt.txt", *AS, code=1).strip() == (
        "Kann fehlt.txt nicht lesen: Datei oder Ordner nicht vorhanden")


def test_a_report_is_written_only_as_html_or_pdf(run, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    assert run("report", AGS, "--out", "bericht.docx", code=1).strip() == (
        "bericht.docx: ein Bericht wird als .html oder .pdf geschrieben.")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
