"""The shipped indicator catalogue (engine/indicators/catalogue.toml): every entry complete, cited
and consistent, all 17 SDGs covered, and the three errors of the first catalogue fixed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.errors import InvalidInput
from engine.evaluation import CLOUD, LIGHT_CLOUDS, SUN, THUNDERSTORM, rate
from engine.indicators.catalogue import KINDS, LEVELS, catalogue, kind_filter
from engine.indicators.spec import MAX_PUBLICATION_LAG

ENTRIES = catalogue()


def test_the_catalogue_covers_every_sdg_with_the_sets_types() -> None:
    assert len(ENTRIES) >= 70
    assert {e.spec.sdg for e in ENTRIES.values()} == set(range(1, 18))
    kinds = [e.profile.kind for e in ENTRIES.values()]
    assert set(kinds) == set(KINDS) and kinds.count("I") >= 45  # mostly the set's centrally available ones


@pytest.mark.parametrize("key", list(ENTRIES))
def test_every_entry_is_complete_and_cited(key: str) -> None:
    entry, profile = ENTRIES[key], ENTRIES[key].profile
    spec = entry.spec
    assert spec.key == key and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key)
    assert spec.name and entry.name_en and entry.name("en") != "" and entry.name("de") == spec.name
    assert spec.definition and profile.definition_en and entry.definition("en") == profile.definition_en
    assert spec.source and profile.citation and profile.citation_url.startswith("https://")
    assert 1 <= spec.sdg <= 17
    goal, _, target = profile.sdg_target.partition(".")
    assert int(goal) == spec.sdg and re.fullmatch(r"[0-9]{1,2}|[a-c]", target), profile.sdg_target
    assert profile.kind in KINDS and profile.direction_basis
    assert profile.levels and set(profile.levels) <= set(LEVELS)
    # Type I means central data for Kreise (and often Gemeinden); type II and own ones are collected locally or
    # come from the Länder.
    assert ("kommune" in profile.levels) == (profile.kind != "I" and "kreis" not in profile.levels)
    assert profile.interval >= 1 and spec.publication_lag is not None and 0 <= spec.publication_lag <= MAX_PUBLICATION_LAG
    assert not spec.targets and spec.baseline is None  # the municipality decides those
    assert profile.unverified is None or len(profile.unverified) > 20  # says what could not be checked


def test_names_are_unique_in_both_languages() -> None:
    for lang in ("de", "en"):
        names = [e.name(lang).casefold() for e in ENTRIES.values()]
        assert len(names) == len(set(names)), lang


def test_long_term_unemployment_relates_to_the_labour_force() -> None:
    entry = ENTRIES["langzeitarbeitslose"]
    assert entry.spec.name == "Langzeitarbeitslosenquote"
    assert "an allen zivilen Erwerbspersonen" in entry.spec.definition and "an allen Arbeitslosen" not in (
        entry.spec.definition)
    assert "labour force" in entry.profile.definition_en


def test_drinking_water_is_the_private_households_per_inhabitant_and_day() -> None:
    entry = ENTRIES["trinkwasserverbrauch"]
    assert entry.spec.unit == "l je Einwohner:in und Tag" and entry.spec.direction == "decrease"
    assert "private haushalte" in entry.spec.name.casefold() and "an private Haushalte" in entry.spec.definition


def test_the_share_of_women_in_the_council_is_a_parity_target() -> None:
    spec = ENTRIES["frauenanteil-rat"].spec
    assert (spec.direction, spec.band_low, spec.band_high) == ("band", 50.0, 50.0)  # not "more is better"
    rising = [(2018 + i, 30.0 + 2 * i) for i in range(6)]
    falling = [(2018 + i, 70.0 - 2 * i) for i in range(6)]
    assert rate(spec.direction, rising, band=(50.0, 50.0)).symbol == CLOUD  # towards parity from below
    assert rate(spec.direction, falling, band=(50.0, 50.0)).symbol == CLOUD  # and from above
    away_below = [(2018 + i, 40.0 - i) for i in range(6)]
    assert rate(spec.direction, away_below, band=(50.0, 50.0)).symbol == THUNDERSTORM
    assert rate(spec.direction, [(2018 + i, 50.0) for i in range(6)], band=(50.0, 50.0)).symbol == SUN
    leaving = [(2018 + i, 50.0 + i) for i in range(6)]
    assert rate(spec.direction, leaving, band=(50.0, 50.0)).symbol == THUNDERSTORM
    assert rate(spec.direction, [(2018, 52.0), (2019, 51.0), (2020, 50.0), (2021, 50.0)],
                band=(50.0, 50.0)).symbol == LIGHT_CLOUDS  # at parity but coming down from above: the average falls


@pytest.mark.parametrize("key", ["beschaeftigung-frauen-maenner", "verdienstabstand-frauen-maenner",
                                 "beschaeftigung-auslaender", "schulabbrecher-auslaender"])
def test_ratios_whose_goal_is_equality_are_a_band_at_100(key: str) -> None:
    spec = ENTRIES[key].spec
    assert (spec.unit, spec.direction, spec.band_low, spec.band_high) == ("%", "band", 100.0, 100.0)
    below = [(2018 + i, 90.0 + i) for i in range(6)]
    assert rate(spec.direction, below, band=(100.0, 100.0)).symbol == CLOUD  # moving towards equality from below


def test_lags_and_intervals_say_when_the_sources_publish() -> None:
    assert ENTRIES["langzeitarbeitslose"].spec.publication_lag == 1  # the Federal Employment Agency's monthly figures
    assert ENTRIES["kinderarmut"].spec.publication_lag == 2  # official statistics via INKAR / SDG-Portal
    assert ENTRIES["frauenanteil-rat"].profile.interval == 5  # one value per council election
    assert all(e.profile.levels == ("kommune",) for e in ENTRIES.values() if e.profile.kind == "II")


@pytest.mark.parametrize(("typed", "kind"), [("I", "I"), ("i", "I"), (" II ", "II"), ("own", "own"), ("eigen", "own")])
def test_a_type_is_read_as_typed(typed: str, kind: str) -> None:
    assert kind_filter(typed) == kind


def test_an_unknown_type_is_refused_with_the_types_there_are() -> None:
    with pytest.raises(InvalidInput) as caught:
        kind_filter("III", "en")
    assert "III" in caught.value.message and "I, II, own" in caught.value.message


DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
ROW = re.compile(r"\| `([a-z0-9-]+)` \| (\S+) \| (I|II|own)( \(BNK\))? \| (\S+) \| (\d+) / (\d+) \| "
                 r"\[[^\]]+\]\(([^)]+)\) \| (yes)? \|")
SHORT_LEVEL = {"gemeinde": "G", "kreisfreie_stadt": "S", "kreis": "K"}


def test_the_docs_table_has_one_row_per_entry_in_catalogue_order_with_its_profile() -> None:
    rows = [m.groups() for m in map(ROW.match, DOCS.read_text(encoding="utf-8").splitlines()) if m]
    assert [row[0] for row in rows] == list(ENTRIES)  # every entry, none twice, none gone, same order
    for key, target, kind, bnk, levels, interval, lag, url, unverified in rows:
        entry = ENTRIES[key]
        profile = entry.profile
        shown = "own" if profile.levels == ("kommune",) else "/".join(SHORT_LEVEL[level] for level in profile.levels)
        assert (target, kind, bool(bnk), levels, int(interval), int(lag), url, bool(unverified)) == (
            profile.sdg_target, profile.kind, profile.bnk_core, shown, profile.interval, entry.spec.publication_lag,
            profile.citation_url, profile.unverified is not None), key


def test_the_new_and_corrected_type_one_entries_take_the_sdg_portals_definitions() -> None:
    assert ENTRIES["krankenhaus"].spec.unit == "Minuten" and ENTRIES["krankenhaus"].spec.direction == "decrease"
    assert "Fahrzeit" in ENTRIES["krankenhaus"].spec.definition  # not hospital beds
    assert {key: ENTRIES[key].spec.unit for key in ("sgb-quote", "pflegeheimplaetze", "strom-erneuerbar", "ladesaeulen",
                                                    "verunglueckte-verkehr", "abfallmenge")} == {
        "sgb-quote": "%", "pflegeheimplaetze": "je 1.000 Einwohner:innen ab 65", "strom-erneuerbar": "kW je Einwohner:in",
        "ladesaeulen": "je 1.000 Einwohner:innen", "verunglueckte-verkehr": "je 1.000 Einwohner:innen",
        "abfallmenge": "t je Einwohner:in"}
    assert "Bedarfsgemeinschaften" in ENTRIES["kinderarmut"].spec.definition
    for key in ("wohnungslosigkeit", "siedlungslast-ueberschwemmungsgebiet", "naturschutzflaechen-natura2000",
                "landschaftsqualitaet", "unzerschnittene-freiraeume", "finanzmittelsaldo"):
        assert ENTRIES[key].profile.kind == "I" and "SDG-Portal" in ENTRIES[key].profile.citation, key
    # The hemeroby scale runs from 1 (natural) to 7 (destroyed): less is better, whatever a chart flag says.
    assert ENTRIES["landschaftsqualitaet"].spec.direction == "decrease"
