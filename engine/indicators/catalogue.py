"""The shipped starter catalogue of municipal SDG indicators (``catalogue.toml``).

Entries go through the same :func:`engine.indicators.spec.parse_spec` as a municipality's own
indicators, so a broken catalogue entry fails a unit test, not an adoption in a town hall.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from engine.db.indicator_tables import Indicator
from engine.i18n import Language
from engine.indicators.spec import IndicatorSpec, parse_spec

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.toml"


@dataclass(frozen=True)
class CatalogueEntry:
    spec: IndicatorSpec
    name_en: str

    def name(self, lang: Language) -> str:
        return self.name_en if lang == "en" else self.spec.name


@cache
def catalogue() -> dict[str, CatalogueEntry]:
    """Entries by id, in file order (grouped by the reader's eye, not sorted)."""
    raw = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    entries: dict[str, CatalogueEntry] = {}
    for key, fields in raw.items():
        values = {name: str(value) for name, value in fields.items() if name != "name_en"}
        entries[key] = CatalogueEntry(parse_spec({"id": key, **values}), fields["name_en"])
    return entries


def indicator_name(row: Indicator, lang: Language) -> str:
    """The name an indicator is shown with in ``lang``: an adopted catalogue indicator still
    under its catalogue name gets the catalogue's name in that language (English output says
    "Child poverty", not „Kinderarmut“); a renamed or own indicator keeps the name it was given."""
    entry = catalogue().get(row.catalogue_id or "")
    return entry.name(lang) if entry is not None and entry.spec.name == row.name else row.name
