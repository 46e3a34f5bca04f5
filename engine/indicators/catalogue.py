"""The shipped catalogue of municipal SDG indicators (``catalogue.toml``).

Entries go through the same :func:`engine.indicators.spec.parse_spec` as a municipality's own
indicators, so a broken catalogue entry fails a unit test, not an adoption in a town hall. Each
entry also carries its profile (:class:`Profile`): what the "SDG-Indikatoren für Kommunen" say
about it (type, sub-target, levels, interval) and where its definition was checked, which a
municipality reads before adopting but never changes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from engine.db.indicator_tables import Indicator
from engine.errors import InvalidInput
from engine.i18n import Language, m
from engine.indicators.spec import FIELDS, IndicatorSpec, parse_spec

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.toml"

KINDS = ("I", "II", "own")
"""Type I (central data, shown in the SDG-Portal), type II (valid but collected by the municipality
itself) of the SDG-Indikatoren für Kommunen; ``own``: not of that set (the BISKO climate balance)."""
LEVELS = ("gemeinde", "kreisfreie_stadt", "kreis", "kommune")
"""Where central data exist: kreisangehörige Gemeinden (≥ 5,000 inhabitants), kreisfreie Städte,
Kreise; ``kommune``: no central data, every municipality collects its own."""
PROFILE_FIELDS = ("name_en", "type", "sdg_target", "bnk_core", "levels", "interval", "direction_basis",
                  "definition_en", "citation", "citation_url", "unverified")


@dataclass(frozen=True)
class Profile:
    kind: str
    """I, II or own (KINDS)."""
    sdg_target: str
    """The SDG sub-target the set assigns it to, e.g. "11.6"."""
    bnk_core: bool
    """A core indicator (Kernindikator) of the Berichtsrahmen Nachhaltige Kommune 2.0."""
    levels: tuple[str, ...]
    interval: int
    """Years between two collections (1: yearly)."""
    direction_basis: str
    """Where the desired direction comes from, or why it was chosen where the source gives none."""
    definition_en: str
    citation: str
    """Where the definition was taken from."""
    citation_url: str
    unverified: str | None = None
    """Why the definition could not be checked against a public source, when it could not."""


@dataclass(frozen=True)
class CatalogueEntry:
    spec: IndicatorSpec
    name_en: str
    profile: Profile

    def name(self, lang: Language) -> str:
        return self.name_en if lang == "en" else self.spec.name

    def definition(self, lang: Language) -> str | None:
        return self.profile.definition_en if lang == "en" else self.spec.definition


def _profile(key: str, fields: dict[str, Any]) -> Profile:
    unknown = set(fields) - set(FIELDS) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"catalogue entry {key!r}: unknown fields {sorted(unknown)}")
    return Profile(kind=fields["type"], sdg_target=fields["sdg_target"], bnk_core=fields.get("bnk_core", False),
                   levels=tuple(fields["levels"]), interval=fields["interval"],
                   direction_basis=fields["direction_basis"], definition_en=fields["definition_en"],
                   citation=fields["citation"], citation_url=fields["citation_url"],
                   unverified=fields.get("unverified"))


@cache
def catalogue() -> dict[str, CatalogueEntry]:
    """Entries by id, in file order (grouped by SDG, not sorted)."""
    raw = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    entries: dict[str, CatalogueEntry] = {}
    for key, fields in raw.items():
        values = {name: str(value) for name, value in fields.items() if name in FIELDS}
        entries[key] = CatalogueEntry(parse_spec({"id": key, **values}), fields["name_en"], _profile(key, fields))
    return entries


def kind_filter(value: str, lang: Language = "de") -> str:
    """A type as typed (``i``, ``II``, ``own``, ``eigen``) as the catalogue spells it, or the
    user's one line naming the types there are."""
    said = value.strip()
    found = {"i": "I", "ii": "II", "own": "own", "eigen": "own", "eigene": "own"}.get(said.casefold())
    if found is None:
        raise InvalidInput(m("catalogue.type_invalid", lang, value=said, allowed=", ".join(KINDS)))
    return found


def indicator_name(row: Indicator, lang: Language) -> str:
    """The name an indicator is shown with in ``lang``: an adopted catalogue indicator still
    under its catalogue name gets the catalogue's name in that language (English output says
    "Child poverty", not „Kinderarmut“); a renamed or own indicator keeps the name it was given."""
    entry = catalogue().get(row.catalogue_id or "")
    return entry.name(lang) if entry is not None and entry.spec.name == row.name else row.name
