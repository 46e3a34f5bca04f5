"""German and English text of the action programme through the catalogues: plurals („1 Tag
später“, „1 Indikator“), status words as people write them, no English ids in German text, and
English indicator names in English output."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.db.indicator_tables import MEASURE_STATUSES, Indicator, Measure
from engine.errors import InvalidInput
from engine.i18n import tn
from engine.indicators import spec as specs
from engine.indicators.catalogue import indicator_name
from notifications.monitoring import STALE_MEASURES, Listing


@pytest.mark.parametrize(("key", "n", "lang", "text"), [
    ("report.days_late", 1, "de", "1 Tag später"), ("report.days_late", 3, "de", "3 Tage später"),
    ("report.days_early", 1, "de", "1 Tag früher"), ("report.overdue", 1, "de", "1 Tag überfällig"),
    ("report.measure_count", 1, "de", "1 Maßnahme"), ("report.measure_count", 9, "de", "9 Maßnahmen"),
    ("report.days_late", 1, "en", "1 day late"), ("report.overdue", 2, "en", "2 days overdue"),
])
def test_counts_take_the_plural_the_number_asks_for(key: str, n: int, lang: str, text: str) -> None:
    assert tn(key, n, lang) == text  # type: ignore[arg-type]


def test_one_indicator_is_one_indicator() -> None:
    assert tn("indicator.adopted", 1, "de", ags="16051000", keys="thg") == "1 Indikator für 16051000 übernommen: thg."
    assert tn("indicator.imported", 2, "en", file="a.csv", ags="16051000") == \
        "2 indicators imported from a.csv for 16051000."
    assert tn("report.indicator_count", 1, "de", rated=0) == "1 Indikator, davon 0 bewertet"


@pytest.mark.parametrize(("typed", "status"), [
    ("erledigt", "done"), ("umgesetzt", "done"), ("Abgeschlossen", "done"), ("in Umsetzung", "in_progress"),
    ("In-Umsetzung", "in_progress"), ("  in   umsetzung ", "in_progress"), ("laufend", "in_progress"),
    ("verzögert", "delayed"), ("aufgegeben", "dropped"), ("geplant", "planned"), ("in_progress", "in_progress"),
    ("IN PROGRESS", "in_progress"), ("done", "done"), ("dropped", "dropped"),
])
def test_status_words_as_people_write_them(typed: str, status: str) -> None:
    assert specs.measure_status(typed) == status


def test_an_unknown_status_is_refused_with_the_words_of_the_readers_language() -> None:
    with pytest.raises(InvalidInput) as german:
        specs.measure_status("halbfertig")
    assert german.value.message == ("Unbekannter Stand 'halbfertig'; erlaubt: geplant, in Umsetzung, umgesetzt, "
                                    "verzögert, aufgegeben.")
    with pytest.raises(InvalidInput) as english:
        specs.measure_status("halfway", "en")
    assert "planned, in progress, done, delayed, dropped" in english.value.message


@pytest.mark.parametrize(("typed", "level"), [
    ("Leitlinie", "guideline"), ("leitlinie", "guideline"), ("strategisches Ziel", "strategic"),
    ("strategisch", "strategic"), ("Operativ", "operative"), ("operatives  Ziel", "operative"),
    ("guideline", "guideline"), ("Strategic", "strategic"), ("operative goal", "operative"),
])
def test_goal_levels_as_people_write_them(typed: str, level: str) -> None:
    assert specs.goal_level(typed) == level


def test_an_unknown_level_is_refused_with_the_labels_and_the_ids() -> None:
    with pytest.raises(InvalidInput) as german:
        specs.goal_level("Regional")
    assert german.value.message == ("Unbekannte Ebene „Regional“. Erlaubt: Leitlinie (guideline), "
                                    "strategisches Ziel (strategic), operatives Ziel (operative).")
    with pytest.raises(InvalidInput) as english:
        specs.goal_level("regional", "en")
    assert "guideline (guideline), strategic goal (strategic), operative goal (operative)" in english.value.message


def test_the_stale_measures_mail_names_the_status_words_not_ids() -> None:
    measure = Measure(key="m-pv", title="PV", status="in_progress", status_on=dt.date(2027, 1, 1), cycle_id=1)
    listing = Listing(STALE_MEASURES, (measure,), dt.date(2027, 6, 1))
    german = listing.context("de")
    assert german["statuses"] == 'geplant, "in Umsetzung", umgesetzt, verzögert, aufgegeben'
    assert not any(status in german["statuses"] for status in MEASURE_STATUSES)
    assert german["measures"][0]["status_label"] == "in Umsetzung"
    assert listing.context("en")["statuses"] == 'planned, "in progress", done, delayed, dropped'


def test_english_output_names_catalogue_indicators_in_english() -> None:
    adopted = Indicator(key="kinderarmut", name="Kinderarmut", catalogue_id="kinderarmut", sdg=1, unit="%",
                        direction="decrease", cycle_id=1)
    assert (indicator_name(adopted, "en"), indicator_name(adopted, "de")) == ("Child poverty", "Kinderarmut")
    renamed = Indicator(key="kinderarmut", name="Kinderarmut in Erfurt", catalogue_id="kinderarmut", sdg=1,
                        unit="%", direction="decrease", cycle_id=1)
    assert indicator_name(renamed, "en") == "Kinderarmut in Erfurt"  # a name the town gave stays
    own = Indicator(key="rad", name="Radverkehrsanteil", sdg=11, unit="%", direction="increase", cycle_id=1)
    assert indicator_name(own, "en") == "Radverkehrsanteil"


def test_an_unknown_direction_offers_the_words_of_the_readers_language() -> None:
    with pytest.raises(InvalidInput, match="erlaubt: steigend, sinkend, korridor"):
        specs.direction("aufwärts")
    with pytest.raises(InvalidInput, match="allowed: increase, decrease, band"):
        specs.direction("upwards", "en")
