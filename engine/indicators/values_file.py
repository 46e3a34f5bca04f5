"""Yearly values of many indicators in one file, read and written: CSV or XLSX (docs/indicators.md).

Reading is pure: bytes in, checked rows and every problem of every row out, each with its line
and column, so a town hall fixes the file in one pass. Whether an indicator exists is the
caller's question (it needs the database); the caller adds those problems to these before it
refuses, so the person still sees them all at once. A file that is not what its name says (an
.xlsx that is text, a CSV that is binary) or that is too big to be a municipality's values is
refused in one line before any row is read.

Every cell goes through the checks ``indicator record`` uses (``spec.key``, ``spec.year``,
``parse_number`` in the file's notation, the same text limits), so both paths accept and refuse
the same values with the same sentences.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine import validate
from engine.errors import InvalidInput
from engine.i18n import Language, Message, m, os_reason, t
from engine.indicators import spec as specs
from engine.indicators.csv_import import decode, delimiter_of
from engine.numbers import parse_number, write_number

COLUMNS = ("indicator", "year", "value", "source", "reason")
"""The columns, in the order an export writes them (``reason`` is read, never written)."""
REQUIRED = ("indicator", "year", "value")
ALIASES = {"indikator": "indicator", "jahr": "year", "wert": "value", "quelle": "source", "note": "reason",
           "bemerkung": "reason", "begründung": "reason"}
"""German headers and ``note`` mean the same columns."""

MAX_ROWS = 250_000
"""A municipality has some hundred indicators over some decades: a quarter of a million rows is
far beyond any real file and still read in seconds; more is refused, not read for minutes."""
MAX_BYTES = 64 * 1024 * 1024
"""The largest file read, and the most an XLSX may unpack to (a zip bomb is refused unopened)."""
MAX_COLUMNS = 32
"""Cells of an XLSX row looked at: a sheet claiming 16,384 columns is not read cell by cell."""
MAX_SHOWN = 1000
"""Problems listed; beyond them one line says how many more (the headline counts them all)."""
STEP = 5000
"""Rows between two progress reports: often enough for a bar, rare enough to cost nothing."""

Progress = Callable[[str, int, int | None], None]
"""Told ``(phase, done, total)`` while a long file is read (``read``) and stored (``write``);
``total`` is None when it is not known in advance."""

SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}


@dataclass(frozen=True, slots=True)
class ValueRow:
    line: int
    key: str
    year: int
    value: float
    source: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: str
    """The column's name as the file's header writes it (``wert`` in a German file)."""
    text: Message | str
    """A message, not its text: filled into the row's line whole, where a value a user typed
    would be clipped."""


@dataclass(frozen=True)
class ValuesFile:
    rows: list[ValueRow]
    problems: list[Problem]
    columns: dict[str, str]
    """Each column's name as the file writes it, by its canonical name."""


class ValuesRejected(InvalidInput):
    """Nothing was stored; ``problems`` is the headline and one line per problem, as the entry
    point prints them (the shape of the indicator import's refusal)."""

    def __init__(self, file: str, problems: Sequence[Problem] | Sequence[str], lang: Language) -> None:
        lines = [p if isinstance(p, str) else t("import.row", lang, line=p.line, column=p.column, problem=p.text)
                 for p in problems]
        headline = t("import.rejected", lang, file=file, count=len(lines))
        if len(lines) > MAX_SHOWN:
            lines = [*lines[:MAX_SHOWN], t("values.more_problems", lang, count=len(lines) - MAX_SHOWN)]
        super().__init__(headline)
        self.problems = [headline, *lines]


def kind_of(path: str | Path, lang: Language) -> str:
    """``csv`` or ``xlsx`` by the file's extension; any other is refused (an .ods, an old .xls)."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(m("values.format", lang, file=Path(path).name, suffix=suffix or "–"))
    return SUFFIXES[suffix]


def read_values(data: bytes, file: str, lang: Language, *, this_year: int, notation: Language | None = None,
                progress: Progress | None = None) -> ValuesFile:
    """The file's rows, checked cell by cell; numbers written as text are read in ``notation``
    (by default ``lang``'s), numbers an XLSX stores as numbers are taken as the sheet shows them
    (a percent-formatted 0.592 is 59.2)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(m("values.too_big", lang, file=file, limit=MAX_BYTES // 2**20))
    if kind_of(file, lang) == "xlsx":
        records, total = _xlsx_records(data, file, lang)
    else:
        text = decode(data, file, lang)
        records, total = _csv_records(text, file, lang), text.count("\n")
    return _Reader(file, lang, this_year, notation or lang, progress).read(records, total)


def _csv_records(text: str, file: str, lang: Language) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(text))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:  # a cell beyond the csv module's limit: no table of values
        raise InvalidInput(m("values.not_csv", lang, file=file, line=reader.line_num, error=exc)) from None


def _xlsx_records(data: bytes, file: str, lang: Language) -> tuple[Iterator[tuple[int, list[Any]]], int | None]:
    """The first sheet's rows, numbered as the spreadsheet numbers them. The archive is checked
    before openpyxl opens it: not a zip (text renamed .xlsx, an old .xls) or unpacking beyond
    :data:`MAX_BYTES` is refused in one line."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(m("values.not_xlsx", lang, file=file)) from None
    if unpacked > MAX_BYTES:
        raise InvalidInput(m("values.too_big", lang, file=file, limit=MAX_BYTES // 2**20))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        total = sheet.max_row  # as the sheet states it: only the progress bar relies on it
        header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook; all mean the same
        raise InvalidInput(m("values.not_xlsx", lang, file=file)) from None
    width = len([cell for cell in header if cell is not None]) + 1  # one more shows extra cells

    def rows() -> Iterator[tuple[int, list[Any]]]:
        yield 1, list(header)
        try:
            for line, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width), 2):
                yield line, [_shown(cell) for cell in cells]
        except Exception:  # noqa: BLE001 - as above, a sheet broken halfway
            raise InvalidInput(m("values.not_xlsx", lang, file=file)) from None
        finally:
            book.close()

    return rows(), total


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
"""The parts of a number format that are shown as written (a quoted text, an escaped character)
or are no digits (a colour, a condition in brackets): a % there does not scale the number."""


def _percent(number_format: str | None) -> bool:
    """Whether a number format shows its number as a percentage (``0.0%``: 0.592 as „59,2 %“)."""
    return "%" in _QUOTED.sub("", number_format or "")


def _shown(cell: Any) -> Any:
    """A sheet cell's value as the spreadsheet shows it: a number in a percent format is its
    hundredfold (exact in decimal, so 0.592 gives 59.2, not 59.199999…), else the value."""
    value = getattr(cell, "value", None)
    if (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and _percent(getattr(cell, "number_format", None))):
        return float(Decimal(repr(value)) * 100)
    return value


class _Reader:
    """One pass over the records: the header, then each row's cells, problems collected."""

    def __init__(self, file: str, lang: Language, this_year: int, notation: Language,
                 progress: Progress | None) -> None:
        self.file, self.lang, self.this_year, self.notation = file, lang, this_year, notation
        self.progress = progress or (lambda phase, done, total: None)
        self.width = 0
        """How many columns the header names; a filled cell beyond them is a problem of its row."""
        self._checked: dict[tuple[str, str], Any] = {}
        """What each column's text was checked to be."""
        self._checks = (("indicator", self._key), ("year", self._year), ("value", self._value),
                        ("source", self._source), ("reason", self._reason))

    def read(self, records: Iterator[tuple[int, list[Any]]], total: int | None) -> ValuesFile:
        columns, index = self._header(next(records, (1, []))[1])
        rows: list[ValueRow] = []
        problems: list[Problem] = []
        seen: dict[tuple[str, int], int] = {}
        count = 0
        self.progress("read", 0, total)
        for line, cells in records:
            count += 1
            if count > MAX_ROWS:
                raise InvalidInput(m("values.too_many_rows", self.lang, file=self.file, limit=MAX_ROWS))
            if count % STEP == 0:
                self.progress("read", count, total)
            if not any(cell is not None and _text(cell) for cell in cells):
                continue
            row = self._row(line, cells, index, columns, problems)
            if row is None:
                continue
            other = seen.setdefault((row.key, row.year), line)
            if other != line:
                problems.append(Problem(line, columns["year"], m("values.duplicate", self.lang, key=row.key,
                                                                 year=row.year, other=other)))
                continue
            rows.append(row)
        self.progress("read", count, count)
        if not rows and not problems:
            raise ValuesRejected(self.file, [t("values.empty", self.lang)], self.lang)
        return ValuesFile(rows, problems, columns)

    def _header(self, cells: Sequence[Any]) -> tuple[dict[str, str], dict[str, int]]:
        """The columns by canonical name with their names as written, and their positions."""
        names = [_text(cell) for cell in cells]
        while names and not names[-1]:
            names.pop()
        self.width = len(names)
        columns: dict[str, str] = {}
        index: dict[str, int] = {}
        unknown: list[str] = []
        for position, name in enumerate(names):
            canonical = ALIASES.get(name.lower(), name.lower())
            if canonical in COLUMNS and canonical not in index:
                columns[canonical], index[canonical] = name, position
            else:
                unknown.append(name or "–")
        missing = [name for name in REQUIRED if name not in index]
        if unknown or missing:
            problem = t("import.columns", self.lang, unknown=", ".join(unknown) or "–",
                        missing=", ".join(missing) or "–", expected=", ".join(COLUMNS))
            raise ValuesRejected(self.file, [problem], self.lang)
        return columns, index

    def _row(self, line: int, cells: list[Any], index: dict[str, int], columns: dict[str, str],
             problems: list[Problem]) -> ValueRow | None:
        if len(cells) > self.width and any(_text(cell) for cell in cells[self.width:]):  # more cells than columns
            problems.append(Problem(line, "–", m("import.extra_cells", self.lang)))
            return None
        checked: dict[str, Any] = {"source": None, "reason": None}
        for name, check in self._checks:
            position = index.get(name)
            cell = cells[position] if position is not None and position < len(cells) else None
            text = _text(cell)
            if not text:
                if name in REQUIRED:
                    problems.append(Problem(line, columns[name], m("text.empty", self.lang, field=columns[name])))
                checked[name] = None
                continue
            try:
                checked[name] = check(cell, text)
            except InvalidInput as exc:
                problems.append(Problem(line, columns[name], exc.detail or exc.message))
                checked[name] = None
        if any(checked[name] is None for name in REQUIRED):
            return None
        return ValueRow(line, checked["indicator"], checked["year"], checked["value"], checked["source"],
                        checked["reason"])

    # -- the cells, each with the check `indicator record` applies --------------------------------
    # A file repeats the same few keys, years and sources thousands of times: each text is
    # checked once (a refused one is not kept, and is checked again where it recurs).
    def _key(self, cell: Any, text: str) -> str:
        return self._once("indicator", text, lambda: specs.key(text, self.lang))

    def _year(self, cell: Any, text: str) -> int:
        if isinstance(cell, float) and cell.is_integer():  # a spreadsheet's number 2024.0
            text = str(int(cell))
        return self._once("year", text, lambda: specs.year(text, self.lang, latest=self.this_year))

    def _value(self, cell: Any, text: str) -> float:
        if isinstance(cell, (int, float)) and not isinstance(cell, bool) and math.isfinite(cell):
            return float(cell)  # an XLSX number cell: already a number, no notation involved
        return parse_number(text, self.lang, notation=self.notation)

    def _source(self, cell: Any, text: str) -> str:
        return self._once("source", text, lambda: validate.single_line(text, "source", self.lang,
                                                                        limit=specs.SOURCE_LIMIT))

    def _reason(self, cell: Any, text: str) -> str:
        return self._once("reason", text, lambda: validate.single_line(text, "reason", self.lang,
                                                                        limit=specs.REASON_LIMIT))

    def _once(self, column: str, text: str, check: Callable[[], Any]) -> Any:
        found = self._checked.get((column, text))
        if found is None:
            found = self._checked[(column, text)] = check()
        return found


def _text(cell: Any) -> str:
    """A cell as text: CSV cells are text, XLSX cells may be numbers, dates or empty."""
    if cell is None:
        return ""
    if isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)
    return str(cell).strip()


# -- writing ---------------------------------------------------------------------------------------
def write_values(path: Path, rows: Iterable[tuple[str, int, float, str | None]], lang: Language, *,
                 notation: Language | None = None, total: int | None = None,
                 progress: Progress | None = None) -> int:
    """Write ``(indicator, year, value, source)`` rows as the import reads them, CSV or XLSX by
    the extension; returns how many. A CSV is written in ``notation`` (German: ``;`` between
    cells, 1.234,5; English: ``,`` and 1,234.5) with every digit, so reading it back gives the
    same numbers. The file appears only when complete: it is written next to its place under a
    temporary name and renamed, so a failed export leaves no half file and no old file damaged."""
    kind = kind_of(path, lang)
    notation = notation or lang
    progress = progress or (lambda phase, done, total: None)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InvalidInput(m("values.unwritable", lang, file=str(path), error=os_reason(exc, lang))) from None
    try:
        with os.fdopen(handle, "wb") as out:
            count = (_write_xlsx if kind == "xlsx" else _write_csv)(out, rows, notation, total, progress)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InvalidInput(m("values.unwritable", lang, file=str(path), error=os_reason(exc, lang))) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def _write_csv(out: Any, rows: Iterable[tuple[str, int, float, str | None]], notation: Language,
               total: int | None, progress: Progress) -> int:
    """UTF-8 with BOM, so Excel opens umlauts right; the import reads it either way."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";" if notation == "de" else ",", lineterminator="\r\n")
    writer.writerow(COLUMNS[:4])
    count = 0
    for count, (key, year, value, source) in enumerate(rows, 1):
        writer.writerow((key, year, write_number(value, notation), source or ""))
        if count % STEP == 0:
            progress("write", count, total)
    text.flush()
    text.detach()
    progress("write", count, count)
    return count


def _write_xlsx(out: Any, rows: Iterable[tuple[str, int, float, str | None]], notation: Language,
                total: int | None, progress: Progress) -> int:
    """Numbers as number cells (a spreadsheet shows them in its own language); openpyxl's
    write-only mode streams the rows instead of holding a sheet of objects."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(list(COLUMNS[:4]))
    count = 0
    for count, (key, year, value, source) in enumerate(rows, 1):
        sheet.append([key, year, value, source])
        if count % STEP == 0:
            progress("write", count, total)
    book.save(out)
    progress("write", count, count)
    return count
