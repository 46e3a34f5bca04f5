"""The report to publish: the coordination's own texts through the door, the recorded evaluation
summary, the legend of the four DNS rules, charts with unit, years and target, and the PDF."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine.errors import ConfigError, InvalidInput, NotFound, PermissionDenied
from engine.i18n import t
from engine_support import AGS, COORDINATOR, NOW, START, Member, make_service, require_weasyprint, structure
from notification_support import make_settings
from zyklus.app import commands as c
from zyklus.bootstrap import bootstrap

STEERING = "steuerung.nur@erfurt.de"
GHG = {2019: 8.0, 2020: 7.8, 2021: 7.5, 2022: 7.3, 2023: 7.0, 2024: 6.8}


@pytest.fixture
def door(database_url: str, tmp_path: Path):
    """Erfurt's cycle 1 with a goal, the households' emissions (values 2019–2024, target 2030) and
    a measure, and the evaluation's summary on record."""
    make_service(database_url, FixedClock(NOW)).engine.dispose()
    app = bootstrap(make_settings(tmp_path), FixedClock(NOW), db_url=database_url)
    app.cycles.add_municipality(c.AddMunicipality(ags=AGS, name="Erfurt", state="TH", kind="stadt"))
    for member in [*structure(), Member("Nur Steuerung", STEERING, ("steering_group",))]:
        app.cycles.add_person(c.AddPerson(ags=AGS, name=member.name, email=member.email, roles=list(member.roles)))
    app.cycles.start(c.StartCycle(ags=AGS, on=START))
    programme = app.programme
    programme.add_goal(AGS, "klima-1", title="Emissionen der Haushalte senken", theme_field="Klima und Energie",
                       actor=COORDINATOR)
    programme.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR, goal="klima-1")
    programme.set_target(AGS, "thg-haushalte", 2030, 5.5, actor=COORDINATOR)
    for year, value in GHG.items():
        programme.record_value(AGS, "thg-haushalte", year, value, actor=COORDINATOR,
                               source="https://erfurt.example/bisko")
    programme.add_measure(AGS, "m-pv", title="PV auf Schuldächern", goal="klima-1", actor=COORDINATOR)
    app.cycles.record(c.RecordFact(ags=AGS, fact="evaluation", actor=COORDINATOR,
                                   values={"summary": "Die Emissionen sinken schneller als geplant.\n\nDie "
                                                      "Mobilität bleibt hinter den Zielen zurück."}))
    yield app
    app.close()


def test_the_texts_round_trip_through_the_door(door) -> None:
    area = door.programme
    written = area.set_report_text(AGS, "foreword", "Liebe Bürgerinnen und Bürger,\r\n\r\nwir berichten.",
                                   actor=COORDINATOR)
    assert (written.kind, written.text, written.actor) == ("foreword", "Liebe Bürgerinnen und Bürger,\n\nwir "
                                                                       "berichten.", COORDINATOR)
    area.set_report_text(AGS, "next_steps", "Radwege ausbauen.", actor=COORDINATOR)
    area.set_report_text(AGS, "indicator:thg-haushalte", "Die Sanierungsquote wirkt.", actor=COORDINATOR)
    area.set_report_text(AGS, "goal:klima-1", "Auf gutem Weg.", actor=COORDINATOR)
    area.set_report_text(AGS, "leitbild", "Erfurt 2040: klimaneutral und gerecht.", actor=COORDINATOR)
    area.set_report_text(AGS, "leitbild", "Erfurt 2035: klimaneutral.", actor=COORDINATOR)  # the newest counts
    assert [(row.kind, row.text) for row in area.report_texts(AGS)] == [
        ("leitbild", "Erfurt 2035: klimaneutral."), ("foreword", "Liebe Bürgerinnen und Bürger,\n\nwir berichten."),
        ("next_steps", "Radwege ausbauen."), ("goal:klima-1", "Auf gutem Weg."),
        ("indicator:thg-haushalte", "Die Sanierungsquote wirkt.")]
    assert area.set_report_text(AGS, "next_steps", "  ", actor=COORDINATOR).text == ""  # removed
    assert "next_steps" not in {row.kind for row in area.report_texts(AGS)}


def test_what_a_text_may_not_be(door) -> None:
    area = door.programme
    with pytest.raises(InvalidInput) as kind:
        area.set_report_text(AGS, "vorwort", "x", actor=COORDINATOR)
    assert kind.value.code == "report_text.kind"
    with pytest.raises(InvalidInput) as control:
        area.set_report_text(AGS, "foreword", "Glocke\x07", actor=COORDINATOR)
    assert control.value.code == "text.control_multiline"  # line breaks are allowed in a report text
    with pytest.raises(InvalidInput) as long:
        area.set_report_text(AGS, "goal:klima-1", "x" * 4001, actor=COORDINATOR)
    assert long.value.code == "text.too_long"
    with pytest.raises(NotFound):
        area.set_report_text(AGS, "indicator:gibt-es-nicht", "x", actor=COORDINATOR)
    with pytest.raises(PermissionDenied):
        area.set_report_text(AGS, "foreword", "x", actor=STEERING)
    assert area.report_texts(AGS) == []


def test_the_report_reads_as_a_report(door) -> None:
    area = door.programme
    area.set_report_text(AGS, "foreword", '<script>alert("x")</script>\n\nZweiter Absatz', actor=COORDINATOR)
    area.set_report_text(AGS, "leitbild", "Erfurt 2035: klimaneutral.", actor=COORDINATOR)
    area.set_report_text(AGS, "next_steps", "Radwege ausbauen.", actor=COORDINATOR)
    area.set_report_text(AGS, "indicator:thg-haushalte", "Die Sanierungsquote wirkt.", actor=COORDINATOR)
    area.set_report_text(AGS, "goal:klima-1", "Auf gutem Weg.", actor=COORDINATOR)
    html = area.report_html(AGS)
    assert "<script>" not in html and "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p><p>Zweiter Absatz</p>" in html
    order = [html.index(f'id="{anchor}"') for anchor in ("foreword", "leitbild", "glance", "evaluation", "theme-1",
                                                          "method", "next-steps")]
    assert order == sorted(order)  # foreword and Leitbild first, next steps last
    assert "<p>Die Emissionen sinken schneller als geplant.</p><p>Die Mobilität bleibt" in html  # the summary
    assert "Auf gutem Weg." in html and "Die Sanierungsquote wirkt." in html
    assert re.search(r'<h3[^>]*><span class="level">strategisches Ziel</span>Emissionen der Haushalte senken</h3>',
                     html)
    assert '<a href="https://erfurt.example/bisko">' in html  # a source that is a URL is a link (printed in print)
    assert "Setzt sich die durchschnittliche Entwicklung der Jahre 2019 bis 2024 fort" in html
    for rule in ("target", "hold", "direction", "band"):
        assert f'<h3 id="rule-{rule}">{t(f"method.{rule}", "de")}</h3>' in html
    for rule in ("hold", "direction"):
        for symbol in ("sun", "light_clouds", "cloud", "thunderstorm"):
            assert t(f"report.rule.{rule}.{symbol}", "de") in html
    assert all(t(f"report.method.{symbol}", "de") in html for symbol in ("sun", "light_clouds", "cloud", "thunderstorm"))


def test_the_chart_has_its_unit_every_year_and_the_target(door) -> None:
    html = door.programme.report_html(AGS)
    chart = html[html.index("<svg"):html.index("</svg>")]
    assert ">t CO₂e je Einwohner:in</text>" in chart
    ticks = re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+" stroke="#767676"/>', chart)
    assert len(ticks) == 12 + 1  # 2019 … 2030, and the value axis
    labels = set(re.findall(r">(20\d\d)</text>", chart))
    assert {"2019", "2024", "2030"} <= labels and len(labels) >= 5
    assert ">Ziel 2030: 5,50</text>" in chart
    assert "<desc>Messwerte in t CO₂e je Einwohner:in: 2019: 8,00; 2020: 7,80" in chart
    assert "Zielwert für 2030: 5,50.</desc>" in chart
    assert '<caption>Werte: ' in html  # the values as a table for screen readers
    english = door.programme.report_html(AGS, lang="en")
    assert '<html lang="en">' in english and ">Target 2030: 5.50</text>" in english


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams hold the catalogue) inflated, to read
    its structure without a PDF library."""
    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def test_the_report_as_pdf_is_tagged_with_language_and_title(door) -> None:
    require_weasyprint()
    door.programme.set_report_text(AGS, "foreword", "Liebe Bürgerinnen und Bürger.", actor=COORDINATOR)
    pdf = door.programme.report_pdf(AGS)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    inside = inflated(pdf)
    assert b"/Lang (de)" in inside and b"/StructTreeRoot" in inside and b"/MarkInfo <</Marked true>>" in inside
    assert b'pdfuaid:part="1"' in inside  # PDF/UA-1
    assert "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Nachhaltigkeitsbericht Erfurt".encode() in inside
    assert b"/Lang (en)" in inflated(door.programme.report_pdf(AGS, lang="en"))


def test_without_weasyprint_the_pdf_is_one_line_on_how_to_install(door, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint raises ImportError
    with pytest.raises(ConfigError) as missing:
        door.programme.report_pdf(AGS)
    assert missing.value.code == "report.pdf_unavailable" and "pip install 'zyklus[pdf]'" in missing.value.message
