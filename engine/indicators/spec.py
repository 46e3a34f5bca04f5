"""An indicator definition as text comes in (CLI options, a CSV row, the starter catalogue),
validated field by field into one immutable :class:`IndicatorSpec`.

Every entry point goes through :func:`parse_spec`, so `indicator add`, the CSV import and the
catalogue accept exactly the same values and report a problem with the same sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from engine import validate
from engine.db.indicator_tables import DIRECTIONS, GOAL_LEVELS, MEASURE_STATUSES
from engine.errors import InvalidInput
from engine.i18n import LANGUAGES, Language, m, t
from engine.numbers import parse_number

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_DECIMALS = 6
MAX_PUBLICATION_LAG = 10
DEFAULT_PUBLICATION_LAG = 1
"""Years between a value's year and the year its source publishes it: the reminder on a due day
of year Y asks for the value of Y − lag (an official statistic of 2024 is out in 2026: lag 2)."""
SOURCE_LIMIT, REASON_LIMIT = 300, 500
"""The longest source and reason of a recorded value, typed or imported."""
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_YEAR = re.compile(r"[0-9]{4}")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})")
# German spreadsheets say "steigend"; both spellings mean the same stored direction.
_DIRECTION_ALIASES = {"increase": "increase", "steigend": "increase", "decrease": "decrease",
                      "sinkend": "decrease", "band": "band", "korridor": "band"}
_DIRECTION_WORDS: dict[str, tuple[str, ...]] = {"de": ("steigend", "sinkend", "korridor"), "en": DIRECTIONS}
"""What a refusal offers in each language (both sets are accepted everywhere)."""

FIELDS = ("id", "name", "sdg", "unit", "direction", "decimals", "band_low", "band_high", "baseline_year",
          "baseline_value", "targets", "source", "theme_field", "goal", "definition", "values_due", "publication_lag")
"""The columns of an indicator CSV file, in this order (docs/indicators.md)."""
REQUIRED = ("id", "name", "sdg", "unit", "direction")


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    name: str
    sdg: int
    unit: str
    direction: str
    decimals: int = 1
    band_low: float | None = None
    band_high: float | None = None
    baseline: tuple[int, float] | None = None
    targets: tuple[tuple[int, float], ...] = ()
    source: str | None = None
    theme_field: str | None = None
    goal: str | None = None
    definition: str | None = None
    values_due: str | None = None
    """MM-DD, when given; the caller falls back to the command's option, then to 31 March."""
    publication_lag: int | None = None
    """Years until the source publishes a year's value, when given; else DEFAULT_PUBLICATION_LAG."""


class SpecInvalid(InvalidInput):
    """One or more fields are wrong; ``field_problems`` names each field with its sentence."""

    def __init__(self, field_problems: list[tuple[str, str]]) -> None:
        super().__init__(field_problems[0][1])
        self.field_problems = field_problems


# -- single values (also used by `indicator record`, `target`, `baseline`) -------------------------
def key(value: str, lang: Language = "de") -> str:
    value = value.strip()
    if not _KEY.fullmatch(value):
        raise InvalidInput(m("indicator.key_invalid", lang, value=value))
    return value


def sdg(value: str | int, lang: Language = "de") -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,2}", text) or not 1 <= int(text) <= 17:
        raise InvalidInput(m("indicator.sdg_invalid", lang, value=text))
    return int(text)


def year(value: str | int, lang: Language = "de", *, latest: int = MAX_YEAR) -> int:
    """A calendar year, typed or as text; ``latest`` refuses observations from the future."""
    text = str(value).strip()
    if not _YEAR.fullmatch(text) or not MIN_YEAR <= int(text) <= latest:
        raise InvalidInput(m("indicator.year_invalid", lang, value=text, low=MIN_YEAR, high=latest))
    return int(text)


def decimals(value: str, lang: Language = "de") -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]", text) or int(text) > MAX_DECIMALS:
        raise InvalidInput(m("indicator.decimals_invalid", lang, value=text, high=MAX_DECIMALS))
    return int(text)


def direction(value: str, lang: Language = "de") -> str:
    found = _DIRECTION_ALIASES.get(value.strip().lower())
    if found is None:
        raise InvalidInput(m("indicator.direction_invalid", lang, value=value,
                             allowed=", ".join(_DIRECTION_WORDS.get(lang, DIRECTIONS))))
    return found


_STATUS_WORDS = {"erledigt": "done", "abgeschlossen": "done", "fertig": "done", "in arbeit": "in_progress",
                 "laufend": "in_progress", "begonnen": "in_progress", "in bearbeitung": "in_progress",
                 "verschoben": "delayed", "im verzug": "delayed", "verworfen": "dropped", "abgebrochen": "dropped",
                 "gestrichen": "dropped", "offen": "planned", "geplant": "planned"}
"""Words a coordinator writes for a measure's status besides the catalogue's own labels."""


def measure_status(value: str, lang: Language = "de") -> str:
    """A measure's status as its id (``in_progress``), its label in any language („in
    Umsetzung“, "in progress") or a common German word for it („erledigt“); case, hyphens and
    underscores do not matter. A refusal lists the labels in the reader's language."""
    said = " ".join(value.replace("_", " ").replace("-", " ").split()).casefold()
    for status in MEASURE_STATUSES:
        names = {status.replace("_", " ")} | {t(f"measure.status.{status}", other).casefold() for other in LANGUAGES}
        if said in names:
            return status
    if said in _STATUS_WORDS:
        return _STATUS_WORDS[said]
    allowed = ", ".join(t(f"measure.status.{status}", lang) for status in MEASURE_STATUSES)
    raise InvalidInput(m("measure.status_invalid", lang, value=value.strip(), allowed=allowed))


_LEVEL_WORDS = {"strategisch": "strategic", "operativ": "operative", "leitbild": "guideline",
                "strategisches": "strategic", "operatives": "operative"}
"""Short German words for a goal's level besides the catalogue's labels („strategisches Ziel“)."""


def goal_level(value: str, lang: Language = "de") -> str:
    """A goal's level as its id (``strategic``), its label in any language („Leitlinie“,
    "operative goal") or the short German word („strategisch“); case does not matter. A refusal
    names the labels in the reader's language with the ids."""
    said = " ".join(value.split()).casefold()
    for level in GOAL_LEVELS:
        if said == level or said in {t(f"goal.level.{level}", other).casefold() for other in LANGUAGES}:
            return level
    if said in _LEVEL_WORDS:
        return _LEVEL_WORDS[said]
    allowed = ", ".join(f"{t(f'goal.level.{level}', lang)} ({level})" for level in GOAL_LEVELS)
    raise InvalidInput(m("goal.level_invalid", lang, value=value.strip(), allowed=allowed))


def publication_lag(value: str | int, lang: Language = "de") -> int:
    """Whole years from 0 (the value is known in its own year) to MAX_PUBLICATION_LAG."""
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,2}", text) or int(text) > MAX_PUBLICATION_LAG:
        raise InvalidInput(m("indicator.publication_lag_invalid", lang, value=text, high=MAX_PUBLICATION_LAG))
    return int(text)


def values_due(value: str, lang: Language = "de") -> str:
    """``MM-DD``, a day that exists every year: 29 February would be due only every fourth year."""
    text = str(value).strip()
    match = _MONTH_DAY.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        dt.date(2001, int(match[1]), int(match[2]))  # 2001: not a leap year
    except ValueError:
        raise InvalidInput(m("indicator.values_due_invalid", lang, value=text)) from None
    return text


def notation(value: str, lang: Language = "de") -> Language:
    """The language whose way of writing numbers a file uses (``de`` 1.234,5; ``en`` 1,234.5)."""
    chosen = value.strip().lower()
    if chosen not in LANGUAGES:
        raise InvalidInput(m("import.notation_invalid", lang, value=value, allowed=", ".join(LANGUAGES)))
    return chosen  # type: ignore[return-value]


def target(value: str, lang: Language = "de", notation: Language | None = None) -> tuple[int, float]:
    """``2030=5,5``: a target value for a target year (the number in ``notation``, by default
    ``lang``'s, as everywhere: engine/numbers.py)."""
    year_text, sep, number = value.partition("=")
    if not sep:
        raise InvalidInput(m("indicator.target_malformed", lang, value=value))
    return year(year_text, lang), parse_number(number, lang, notation=notation)


def targets(value: str, lang: Language = "de", notation: Language | None = None) -> tuple[tuple[int, float], ...]:
    """Several targets in one cell or option, separated by spaces, ``|`` or ``;``."""
    parsed = [target(part, lang, notation) for part in re.split(r"[\s|;]+", value.strip()) if part]
    years = [y for y, _ in parsed]
    duplicate = next((y for y in years if years.count(y) > 1), None)
    if duplicate is not None:
        raise InvalidInput(m("indicator.target_duplicate", lang, year=duplicate))
    return tuple(sorted(parsed))


# -- a whole definition -----------------------------------------------------------------------------
def parse_spec(raw: Mapping[str, str | None], lang: Language = "de", *, this_year: int = MAX_YEAR,
               notation: Language | None = None) -> IndicatorSpec:
    """Validate every field and report all problems at once, each with the field's name; the
    numbers are read in ``notation`` (a CSV file's own, see csv_import), problems said in ``lang``."""
    problems: list[tuple[str, str]] = []
    values: dict[str, object] = {}

    def given(name: str) -> str | None:
        value = raw.get(name)
        return value if value is not None and str(value).strip() else None

    def check(name: str, convert) -> None:  # noqa: ANN001 (a one-argument converter)
        value = given(name)
        if value is None:
            if name in REQUIRED:
                problems.append((name, t("text.empty", lang, field=name)))
            return
        try:
            values[name] = convert(str(value))
        except InvalidInput as exc:
            problems.append((name, exc.message))

    check("id", lambda v: key(v, lang))
    check("name", lambda v: validate.single_line(v, "name", lang))
    check("sdg", lambda v: sdg(v, lang))
    check("unit", lambda v: validate.single_line(v, "unit", lang, limit=80))
    check("direction", lambda v: direction(v, lang))
    check("decimals", lambda v: decimals(v, lang))
    check("band_low", lambda v: parse_number(v, lang, notation=notation))
    check("band_high", lambda v: parse_number(v, lang, notation=notation))
    check("baseline_year", lambda v: year(v, lang, latest=this_year))
    check("baseline_value", lambda v: parse_number(v, lang, notation=notation))
    check("targets", lambda v: targets(v, lang, notation))
    check("source", lambda v: validate.single_line(v, "source", lang, limit=300))
    check("theme_field", lambda v: validate.single_line(v, "theme_field", lang))
    check("goal", lambda v: key(v, lang))
    check("definition", lambda v: validate.text(v, "definition", lang, limit=2000))
    check("values_due", lambda v: values_due(v, lang))
    check("publication_lag", lambda v: publication_lag(v, lang))
    failed = {name for name, _ in problems}
    problems += [(name, problem) for name, problem in _coherence(values, lang) if name not in failed]
    if problems:
        raise SpecInvalid(problems)
    baseline = ((values["baseline_year"], values["baseline_value"])
                if "baseline_year" in values and "baseline_value" in values else None)
    return IndicatorSpec(
        key=values["id"], name=values["name"], sdg=values["sdg"], unit=values["unit"],  # type: ignore[arg-type]
        direction=values["direction"], decimals=values.get("decimals", 1),  # type: ignore[arg-type]
        band_low=values.get("band_low"), band_high=values.get("band_high"),  # type: ignore[arg-type]
        baseline=baseline, targets=values.get("targets", ()),  # type: ignore[arg-type]
        source=values.get("source"), theme_field=values.get("theme_field"),  # type: ignore[arg-type]
        goal=values.get("goal"), definition=values.get("definition"),  # type: ignore[arg-type]
        values_due=values.get("values_due"), publication_lag=values.get("publication_lag"))  # type: ignore[arg-type]


def _coherence(values: Mapping[str, object], lang: Language) -> list[tuple[str, str]]:
    """Rules between fields: a band needs both bounds (equal bounds make one value to move
    towards and hold, e.g. parity at 50 %) and no targets; a baseline needs both parts; a target
    lies after the baseline."""
    problems: list[tuple[str, str]] = []
    is_band = values.get("direction") == "band"
    low, high = values.get("band_low"), values.get("band_high")
    if is_band and (low is None or high is None or low > high):  # type: ignore[operator]
        problems.append(("band_low", t("indicator.band_missing", lang)))
    if not is_band and "direction" in values and (low is not None or high is not None):
        problems.append(("band_low", t("indicator.band_unexpected", lang)))
    if is_band and values.get("targets"):
        problems.append(("targets", t("indicator.band_targets", lang)))
    if ("baseline_year" in values) != ("baseline_value" in values):
        missing = "baseline_value" if "baseline_year" in values else "baseline_year"
        problems.append((missing, t("indicator.baseline_incomplete", lang)))
    problems += [("targets", problem) for problem in
                 target_problems(values.get("baseline_year"), values.get("targets", ()), lang)]  # type: ignore[arg-type]
    return problems


def target_problems(baseline_year: int | None, wanted: tuple[tuple[int, float], ...], lang: Language) -> list[str]:
    if baseline_year is None:
        return []
    return [t("indicator.target_before_baseline", lang, year=y, baseline=baseline_year)
            for y, _ in wanted if y <= baseline_year]
