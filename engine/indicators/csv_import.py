"""Reading a municipality's own indicators from a CSV file, all or nothing.

Spreadsheets in German town halls save CSV with ``;`` and often in Windows-1252; both that and
UTF-8 with ``,`` are accepted. Every problem in every row is reported at once with its line
and column, so the file is fixed in one pass; nothing is stored unless every row is right.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from engine.errors import InvalidInput
from engine.i18n import Language, m, t
from engine.indicators.spec import FIELDS, REQUIRED, IndicatorSpec, SpecInvalid, parse_spec


@dataclass(frozen=True)
class Row:
    line: int
    spec: IndicatorSpec


class ImportRejected(InvalidInput):
    """The file was refused; ``problems`` is the headline followed by one line per problem
    (the shape the entry point prints, as for definition errors)."""

    def __init__(self, file: str, lines: list[str], lang: Language) -> None:
        headline = t("import.rejected", lang, file=file, count=len(lines))
        super().__init__(headline)
        self.problems = [headline, *lines]


def decode(data: bytes, file: str, lang: Language = "de") -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252.
    An empty file or one that is not text at all (NUL bytes: a spreadsheet saved as .xlsx and
    renamed, an image) is refused in one line rather than reported as wrong columns."""
    if not data.strip():
        raise InvalidInput(m("import.empty_file", lang, file=file))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidInput(m("import.not_text", lang, file=file)) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise InvalidInput(m("import.not_text", lang, file=file))
    return text


def delimiter_of(text: str) -> str:
    """The separator the header line uses: ``;`` (German spreadsheets), a tab, else ``,``."""
    first_line = text.split("\n", 1)[0]
    return ";" if ";" in first_line else "\t" if "\t" in first_line else ","


def parse_csv(text: str, file: str, lang: Language = "de", *, this_year: int,
              notation: Language | None = None) -> list[Row]:
    """The rows of a CSV file whose numbers are written in ``notation`` (the language the file
    was made in: a German spreadsheet writes 1.234,5, an English one 1,234.5), by default the
    importing person's; anything the notation cannot read for sure is a problem of its row."""
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter_of(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in FIELDS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing:
        problem = t("import.columns", lang, unknown=", ".join(unknown) or "–", missing=", ".join(missing) or "–",
                    expected=", ".join(FIELDS))
        raise ImportRejected(file, [problem], lang)
    reader.fieldnames = header
    rows: list[Row] = []
    lines: list[str] = []
    seen: dict[str, int] = {}
    for record in reader:
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue
        line = reader.line_num
        if None in record:  # more cells than columns
            lines.append(t("import.row", lang, line=line, column="–", problem=t("import.extra_cells", lang)))
            continue
        try:
            spec = parse_spec(record, lang, this_year=this_year, notation=notation)
        except SpecInvalid as invalid:
            lines += [t("import.row", lang, line=line, column=column, problem=problem)
                      for column, problem in invalid.field_problems]
            continue
        if spec.key in seen:
            lines.append(t("import.row", lang, line=line, column="id",
                           problem=t("import.duplicate", lang, key=spec.key, other=seen[spec.key])))
            continue
        seen[spec.key] = line
        rows.append(Row(line, spec))
    if lines:
        raise ImportRejected(file, lines, lang)
    if not rows:
        raise ImportRejected(file, [t("import.empty", lang)], lang)
    return rows
