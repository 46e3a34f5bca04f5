"""The message catalogue: every key in German and English with the same placeholders."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from engine.i18n import LANGUAGES, MESSAGES, format_date, t
from engine.roles import ROLES

ROOT = Path(__file__).resolve().parents[2]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_german_and_english_with_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES), f"{key}: languages {sorted(entry)}"
    assert all(entry[lang].strip() for lang in LANGUAGES), f"{key}: empty text"
    assert placeholders(entry["de"]) == placeholders(entry["en"]), key


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_formats_in_both_languages(key: str) -> None:
    values = {name: "x" for name in placeholders(MESSAGES[key]["de"])}
    for lang in LANGUAGES:
        assert t(key, lang, **values)


def test_every_key_the_code_uses_exists() -> None:
    used: set[tuple[str, str]] = set()
    for folder in ("engine", "zyklus"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in re.finditer(r'(?<![\w.])t\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")):
                used.add((match.group(1), str(path.relative_to(ROOT))))
    assert len(used) > 20  # the scan found the calls
    assert sorted(f"{where}: {key}" for key, where in used if key not in MESSAGES) == []


def test_every_role_has_a_label() -> None:
    for role in ROLES:
        assert f"role.{role}" in MESSAGES


def test_dates_in_german_and_english() -> None:
    assert format_date(dt.date(2027, 3, 9), "de") == "09.03.2027"
    assert format_date(dt.date(2027, 3, 9), "en") == "2027-03-09"
    assert format_date(None) == "–"
