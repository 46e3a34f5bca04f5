"""The values file reader and writer without a database: encodings and separators, every problem
with its line, the cap on listed problems, and numbers written so they read back exactly."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from engine.errors import InvalidInput
from engine.indicators.values_file import MAX_SHOWN, ValuesRejected, read_values, write_values
from engine.numbers import parse_number, write_number


def read(text: str | bytes, file: str = "werte.csv", lang: str = "de", **options):  # noqa: ANN003, ANN201
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_values(data, file, lang, this_year=2027, **options)  # type: ignore[arg-type]


@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["de", "en"]))
def test_every_number_written_reads_back_as_itself(value: float, notation: str) -> None:
    assert parse_number(write_number(value, notation), notation=notation) == value  # type: ignore[arg-type]


def test_excel_unicode_text_with_tabs_and_german_headers() -> None:
    data = "Indikator\tJahr\tWert\tBemerkung\nsaldo\t2024\t−1.250,5\tSchätzung\n".encode("utf-16")
    [row] = read(data).rows
    assert (row.key, row.year, row.value, row.reason, row.line) == ("saldo", 2024, -1250.5, "Schätzung", 2)


def test_a_windows_1252_file_with_comma_separators_in_english() -> None:
    [row] = read('indicator,year,value,source\nsaldo,2024,"1,250.5",Straße\n'.encode("cp1252"), notation="en").rows
    assert (row.value, row.source) == (1250.5, "Straße")


def test_problems_carry_their_line_even_after_a_quoted_line_break() -> None:
    parsed = read('indicator;year;value;source\nsaldo;2020;1;"zwei\nZeilen"\nsaldo;2021;x;\n')
    assert [(p.line, p.column) for p in parsed.problems] == [(3, "source"), (4, "value")]


def test_a_long_list_of_problems_is_cut_but_counted() -> None:
    parsed = read("indicator;year;value\n" + "".join(f"k{n};2000;x\n" for n in range(MAX_SHOWN + 5)))
    rejected = ValuesRejected("werte.csv", parsed.problems, "de")
    assert rejected.problems[0] == f"Import aus werte.csv abgelehnt, nichts wurde gespeichert ({MAX_SHOWN + 5} Fehler):"
    assert len(rejected.problems) == MAX_SHOWN + 2
    assert rejected.problems[-1] == "  … und 5 weitere Fehler."


def test_xlsx_cells_of_other_types_are_problems_of_their_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "year", "value"])
    sheet.append(["saldo", dt.datetime(2024, 1, 1), True])
    sheet.append(["saldo", 2025, "12.5"])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = read(buffer.getvalue(), "werte.xlsx")
    assert [(p.line, p.column) for p in parsed.problems] == [(2, "year"), (2, "value"), (3, "value")]
    assert read(buffer.getvalue(), "werte.xlsx", notation="en").rows[0].value == 12.5


def test_an_old_xls_is_refused_in_one_line() -> None:
    with pytest.raises(InvalidInput, match="keine XLSX-Arbeitsmappe"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "werte.xlsx")


@pytest.mark.parametrize("name", ["w.csv", "w.xlsx"])
def test_what_is_written_is_read_back(tmp_path: Path, name: str) -> None:
    rows = [("saldo", 2020, -1234.5, None), ("thg", 2021, 1e-7, "Quelle; mit Trennzeichen"), ("thg", 2022, math.pi, "")]
    assert write_values(tmp_path / name, rows, "de") == 3
    parsed = read((tmp_path / name).read_bytes(), name)
    assert parsed.problems == []
    assert [(r.key, r.year, r.value, r.source or None) for r in parsed.rows] == [(k, y, v, s or None)
                                                                                 for k, y, v, s in rows]
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_sheet_claiming_a_million_rows_is_read_as_the_rows_it_has() -> None:
    book = Workbook()
    book.active.append(["indicator", "year", "value"])
    book.active.append(["saldo", 2024, 5])
    buffer = io.BytesIO()
    book.save(buffer)
    packed = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:C2"', b'<dimension ref="A1:XFD1048576"')
                assert b"XFD1048576" in content
            target.writestr(info, content)
    assert [row.value for row in read(packed.getvalue(), "werte.xlsx").rows] == [5.0]


def test_a_percent_formatted_cell_is_read_as_the_sheet_shows_it() -> None:
    """Excel shows 0.592 in the format 0.0% as „59,2 %“: that is the value, exactly; a % shown as
    text beside the number (0.0"%") does not scale it (walkthrough finding 27)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "year", "value"])
    for row, (value, number_format) in enumerate([(0.592, "0.0%"), (0.07, "0%"), (57.0, '0.0" %"'),
                                                  (0.5, "General")], 2):
        sheet.append(["ee-strom-anteil", 2020 + row, value])
        sheet.cell(row=row, column=3).number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    assert [row.value for row in read(buffer.getvalue(), "werte.xlsx").rows] == [59.2, 7.0, 57.0, 0.5]
