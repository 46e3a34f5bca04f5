"""Definition texts carry any language, and a language a file does not use leaves its version alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.definitions.loader import SHIPPED_DIR, Catalog
from engine.definitions.model import Text


def test_a_text_in_french_is_read_in_french_and_falls_back_to_german() -> None:
    text = Text.model_validate({"de": "Bestandsaufnahme", "en": "Inventory", "fr": "État des lieux"})
    assert [text.get(lang) for lang in ("de", "en", "fr", "it")] == [
        "Bestandsaufnahme", "Inventory", "État des lieux", "Bestandsaufnahme"]
    assert Text.model_validate("Nur deutsch").get("en") == "Nur deutsch"


def test_the_stored_form_names_only_the_languages_a_file_uses() -> None:
    german = Text.model_validate({"de": "Beschluss"})
    assert json.loads(german.model_dump_json()) == {"de": "Beschluss", "en": None}  # as before languages grew
    french = Text.model_validate({"de": "Beschluss", "fr": "Délibération"})
    assert json.loads(french.model_dump_json()) == {"de": "Beschluss", "en": None, "fr": "Délibération"}


def test_a_french_label_changes_that_workflow_only(tmp_path: Path) -> None:
    text = (SHIPPED_DIR / "kommune.toml").read_text(encoding="utf-8").replace('name = "kommune"', 'name = "stadt"')
    local = tmp_path / "local"
    local.mkdir()
    (local / "stadt.toml").write_text(text, encoding="utf-8")
    plain = Catalog([local]).load("stadt")
    (local / "stadt.toml").write_text(text.replace('en = "', 'fr = "Cycle municipal", en = "', 1), encoding="utf-8")
    french = Catalog([local]).load("stadt")
    assert french.version != plain.version and french.label.get("fr") == "Cycle municipal"
    assert Catalog([local]).load("kommune").version == Catalog().load("kommune").version


@pytest.mark.parametrize("value", [{"de": "x", "FR": "y"}, {"de": "x", "fr": 3}, {"de": "x", "français": "y"},
                                   {"en": "only english"}])
def test_a_language_code_must_be_one_and_german_is_required(value: dict) -> None:
    with pytest.raises(ValidationError):
        Text.model_validate(value)

