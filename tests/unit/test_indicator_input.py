"""Indicator definitions as they come in: single values, whole specs, the shipped catalogue and
CSV files (every problem with its line and column, nothing half-read)."""

from __future__ import annotations

import codecs

import pytest

from engine.errors import InvalidInput
from engine.indicators import spec as specs
from engine.indicators.catalogue import catalogue
from engine.indicators.csv_import import ImportRejected, decode, parse_csv

VALID = {"id": "radverkehr", "name": "Radverkehrsanteil", "sdg": "11", "unit": "%", "direction": "increase"}


@pytest.mark.parametrize("value", ["0", "18", "-1", "1.5", "elf", ""])
def test_sdg_outside_one_to_seventeen_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="1 bis 17"):
        specs.sdg(value)


@pytest.mark.parametrize("value", ["1899", "2101", "20 30", "2030.0", "zwanzig", "-2020"])
def test_nonsense_years_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="Jahr"):
        specs.year(value)


def test_a_year_after_the_latest_allowed_is_refused_in_english_too() -> None:
    assert specs.year("2026", latest=2026) == 2026
    with pytest.raises(InvalidInput, match="expected a year from 1900 to 2026"):
        specs.year("2027", "en", latest=2026)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1.23,5", "12.5", "12,5,1", ""])
def test_targets_refuse_what_is_not_a_finite_number(value: str) -> None:
    with pytest.raises(InvalidInput):
        specs.target(f"2030={value}")


def test_targets_read_the_numbers_in_the_notation_of_the_language_in_order() -> None:
    assert specs.targets("2040=2,5 | 2030=4.000") == ((2030, 4000.0), (2040, 2.5))
    assert specs.targets("2040=2.5 | 2030=4,000", "en") == ((2030, 4000.0), (2040, 2.5))
    assert specs.targets("2040=2.5", "de", "en") == ((2040, 2.5),)
    with pytest.raises(InvalidInput, match="2030"):
        specs.targets("2030=1 2030=2")
    with pytest.raises(InvalidInput, match="JAHR=WERT"):
        specs.targets("2030:5")


def test_a_valid_spec_with_defaults() -> None:
    spec = specs.parse_spec({**VALID, "targets": "2030=25", "baseline_year": "2020", "baseline_value": "11,5"})
    assert (spec.key, spec.sdg, spec.direction, spec.decimals) == ("radverkehr", 11, "increase", 1)
    assert spec.baseline == (2020, 11.5) and spec.targets == ((2030, 25.0),)


def test_german_direction_words_are_understood() -> None:
    assert specs.parse_spec({**VALID, "direction": "Sinkend"}).direction == "decrease"
    assert specs.parse_spec({**VALID, "direction": "korridor", "band_low": "1", "band_high": "2"}).band_low == 1.0


def test_every_problem_of_a_spec_is_named_with_its_field() -> None:
    with pytest.raises(specs.SpecInvalid) as caught:
        specs.parse_spec({"id": "a b", "name": "", "sdg": "0", "unit": "%", "direction": "up", "decimals": "9"})
    assert [field for field, _ in caught.value.field_problems] == ["id", "name", "sdg", "direction", "decimals"]
    assert caught.value.message == caught.value.field_problems[0][1]


@pytest.mark.parametrize(("extra", "field"), [
    ({"direction": "band"}, "band_low"),
    ({"direction": "band", "band_low": "6", "band_high": "5"}, "band_low"),
    ({"band_low": "5", "band_high": "6"}, "band_low"),
    ({"direction": "band", "band_low": "1", "band_high": "2", "targets": "2030=1"}, "targets"),
    ({"baseline_year": "2020"}, "baseline_value"),
    ({"baseline_year": "2020", "baseline_value": "1", "targets": "2020=2"}, "targets"),
    ({"baseline_year": "2050", "baseline_value": "1"}, "baseline_year"),
])
def test_fields_that_contradict_each_other_are_refused(extra: dict[str, str], field: str) -> None:
    with pytest.raises(specs.SpecInvalid) as caught:
        specs.parse_spec({**VALID, **extra}, this_year=2027)
    assert field in [f for f, _ in caught.value.field_problems]


def test_the_catalogue_holds_real_municipal_sdg_indicators() -> None:
    entries = catalogue()
    assert len(entries) >= 15
    assert {e.spec.sdg for e in entries.values()} >= {1, 3, 4, 5, 8, 9, 11, 12, 13, 16}
    child_poverty = entries["kinderarmut"]
    assert (child_poverty.spec.sdg, child_poverty.spec.unit, child_poverty.spec.direction) == (1, "%", "decrease")
    assert child_poverty.name("en") == "Child poverty" and child_poverty.name("de") == "Kinderarmut"
    for key, entry in entries.items():
        assert entry.spec.key == key
        assert entry.spec.definition and entry.spec.source, key
        assert entry.spec.direction in ("increase", "decrease", "band"), key
        assert not entry.spec.targets and entry.spec.baseline is None, key  # the municipality decides those


HEADER = "id;name;sdg;unit;direction;decimals;baseline_year;baseline_value;targets;theme_field\n"


def test_a_german_spreadsheet_csv_is_read() -> None:
    text = HEADER + ('radverkehr;Radverkehrsanteil;11;%;steigend;1;2020;11,5;"2030=25; 2040=35";Mobilität\n'
                     "\n"
                     "co2;CO₂ je Einwohner:in;13;t;decrease;2;2019;8,0;2030=5,5;Klima\n")
    rows = parse_csv(decode(text.encode("utf-8-sig"), "eigene.csv"), "eigene.csv", this_year=2027)  # Excel's BOM
    assert [(r.line, r.spec.key) for r in rows] == [(2, "radverkehr"), (4, "co2")]
    assert rows[0].spec.targets == ((2030, 25.0), (2040, 35.0)) and rows[0].spec.theme_field == "Mobilität"
    assert rows[1].spec.baseline == (2019, 8.0) and rows[1].spec.decimals == 2


def test_a_windows_1252_file_with_commas_is_read() -> None:
    data = "id,name,sdg,unit,direction\nwasser,Trinkwasserverbrauch,12,l je Einwohner:in und Tag,sinkend\n"
    rows = parse_csv(decode(data.encode("cp1252"), "alt.csv"), "alt.csv", this_year=2027)
    assert rows[0].spec.unit == "l je Einwohner:in und Tag" and rows[0].spec.direction == "decrease"


def test_excel_unicode_text_utf16_with_tabs_is_read() -> None:
    data = "id\tname\tsdg\tunit\tdirection\nwaerme\tWärmebedarf\t7\tkWh\tsinkend\n"
    rows = parse_csv(decode(data.encode("utf-16"), "unicode.txt"), "unicode.txt", this_year=2027)
    assert [(r.spec.key, r.spec.name) for r in rows] == [("waerme", "Wärmebedarf")]


@pytest.mark.parametrize("data, expected", [(b"", "ist leer"), (b" \n\n", "ist leer"),
                                            (bytes(range(256)) * 4, "keine Textdatei"),
                                            (b"PK\x03\x04\x14\x00\x06\x00", "keine Textdatei"),
                                            (codecs.BOM_UTF16_LE + b"\x00\xd8", "keine Textdatei")])
def test_a_file_that_is_not_csv_text_is_refused_in_one_line(data: bytes, expected: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode(data, "werte.csv")
    assert expected in refused.value.message and "werte.csv" in refused.value.message
    assert not getattr(refused.value, "problems", [])  # one line, not a row report


def test_every_row_error_is_reported_with_line_and_column() -> None:
    text = HEADER + ("ok;Gut;11;%;increase;1;;;;\n"
                     "bad;Schlecht;18;%;increase;1;;;;\n"
                     "ok;Doppelt;11;%;increase;1;;;;\n"
                     "nan;Kein Wert;3;%;decrease;1;2020;nan;2030=x;\n")
    with pytest.raises(ImportRejected) as caught:
        parse_csv(text, "fehler.csv", this_year=2027)
    lines = caught.value.problems
    assert lines[0] == "Import aus fehler.csv abgelehnt, nichts wurde gespeichert (4 Fehler):"
    assert lines[1] == "  Zeile 3, Spalte sdg: SDG '18' gibt es nicht: die Nachhaltigkeitsziele sind von 1 bis 17 nummeriert."
    assert lines[2] == "  Zeile 4, Spalte id: die Kennung 'ok' steht schon in Zeile 2."
    assert lines[3].startswith("  Zeile 5, Spalte baseline_value: „nan“ ist keine Zahl in deutscher Schreibweise: ")
    assert lines[4].startswith("  Zeile 5, Spalte targets: „x“ ist keine Zahl in deutscher Schreibweise: ")
    assert len(lines) == 5  # no follow-on complaint about the baseline that was already refused


def test_a_files_numbers_are_read_in_its_own_notation() -> None:
    """„1.250“ in a German file is one thousand two hundred and fifty, never 1,25; an English
    file says the same as "1,250"; a German-looking number in an English file is refused."""
    german = HEADER + "rad;Rad;11;%;increase;1;2020;1.250;2030=4.000,5;\n"
    [row] = parse_csv(german, "de.csv", this_year=2027)
    assert row.spec.baseline == (2020, 1250.0) and row.spec.targets == ((2030, 4000.5),)
    english = HEADER.replace(";", ",") + 'rad,Rad,11,%,increase,1,2020,"1,250",2030=4000.5,\n'
    [row] = parse_csv(english, "en.csv", this_year=2027, notation="en")
    assert row.spec.baseline == (2020, 1250.0) and row.spec.targets == ((2030, 4000.5),)
    with pytest.raises(ImportRejected) as caught:
        parse_csv(HEADER + "rad;Rad;11;%;increase;1;2020;12,5;;\n", "x.csv", this_year=2027, notation="en")
    assert "englischer Schreibweise" in caught.value.problems[1]


def test_wrong_columns_are_named() -> None:
    with pytest.raises(ImportRejected) as caught:
        parse_csv("id;name;sdg;einheit\nx;X;1;%\n", "spalten.csv", "en", this_year=2027)
    assert "unknown: einheit; missing: unit, direction" in caught.value.problems[1]


def test_extra_cells_and_empty_files_are_refused() -> None:
    with pytest.raises(ImportRejected, match="1 Fehler"):
        parse_csv("id;name;sdg;unit;direction\nx;X;1;%;increase;zu viel\n", "a.csv", this_year=2027)
    with pytest.raises(ImportRejected) as caught:
        parse_csv("id;name;sdg;unit;direction\n", "leer.csv", this_year=2027)
    assert "keine Indikatoren" in caught.value.problems[1]



def test_a_csv_names_its_publication_lag_and_a_parity_band() -> None:
    data = ("id;name;sdg;unit;direction;band_low;band_high;publication_lag\n"
            "frauen;Frauen im Ortsbeirat;5;%;korridor;50;50;0\n"
            "rad;Radverkehrsanteil;11;%;steigend;;;2\n")
    rows = parse_csv(decode(data.encode("utf-8"), "eigene.csv"), "eigene.csv", this_year=2027)
    assert [(r.spec.direction, r.spec.band_low, r.spec.band_high, r.spec.publication_lag) for r in rows] == [
        ("band", 50.0, 50.0, 0), ("increase", None, None, 2)]


@pytest.mark.parametrize("lag", ["11", "-1", "zwei", "1,5"])
def test_a_publication_lag_is_whole_years_up_to_ten(lag: str) -> None:
    with pytest.raises(specs.SpecInvalid) as caught:
        specs.parse_spec({"id": "x", "name": "X", "sdg": "1", "unit": "%", "direction": "increase",
                          "publication_lag": lag})
    assert [field for field, _ in caught.value.field_problems] == ["publication_lag"]
    assert lag in caught.value.message and "0 bis 10" in caught.value.message
