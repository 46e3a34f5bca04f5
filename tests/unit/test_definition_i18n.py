"""A definition's problems are codes with values, said in each reader's language.

The same file checked for a German and an English caller in one process gives each their
language and both the same codes; the JSON carries code and params; pydantic's error types
map to keys, and a type zyklus does not know still gives one clear line.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from engine.definitions.loader import Catalog
from engine.definitions.schema_errors import _BOUNDS, _EXPECTED, schema_findings
from engine.errors import DefinitionError
from engine.i18n import LANGUAGES, translation
from zyklus.app.workflows import Workflows

BROKEN = """\
schema = 1
name = "kaputt"
label = "Kaputt"
initial = "a"
initail = "a"

[phases.a]
label = "Phase A"
duration = "P1M"

[transitions.a_done]
source = "a"
dest = "beteiligung"

[transitions.a_team]
source = "a"
dest = "completed"
trigger = "finish"
roles = ["coordination"]
[transitions.a_team.guards.team]
type = "role_count"
role = "core_team"
min = 5
max = 2
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    (tmp_path / "kaputt.toml").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def _door(folder: Path) -> Workflows:
    return Workflows([folder], "sqlite:///nowhere.db", service=lambda: pytest.fail("validating needs no service"))


def test_a_german_and_an_english_caller_each_get_their_language_from_one_process(broken: Path) -> None:
    door = _door(broken)
    german, english, german_again = (door.validate("kaputt", lang) for lang in ("de", "en", "de"))
    assert [p.line for p in german.problems] == [
        "kaputt.toml: initail: unbekannter Schlüssel; war 'initial' gemeint?",
        "kaputt.toml: transitions.a_done.dest: unbekannte Phase 'beteiligung'",
        "kaputt.toml: transitions.a_team.guards.team: kann nie erfüllt werden: max (2) ist kleiner als min (5)",
        "kaputt.toml: restart: keine Neustart-Regel: ein abgeschlossener Zyklus beginnt nicht von Neuem",
    ]
    assert [p.line for p in english.problems] == [
        "kaputt.toml: initail: unknown key; did you mean 'initial'?",
        "kaputt.toml: transitions.a_done.dest: unknown phase 'beteiligung'",
        "kaputt.toml: transitions.a_team.guards.team: can never be met: max (2) is below min (5)",
        "kaputt.toml: restart: no restart rule: a completed cycle does not begin again",
    ]
    assert german_again == german  # English in between left nothing behind (the catalogue caches the file)
    assert [(p.code, p.params) for p in german.problems] == [(p.code, p.params) for p in english.problems]


def test_loading_a_broken_definition_raises_one_error_said_in_either_language(broken: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        Catalog([broken]).load("kaputt")
    error = caught.value
    assert error.code == "schema.unknown_key.close" and error.params["suggestion"] == "initial"
    assert error.lines("de")[1] == "kaputt.toml: transitions.a_done.dest: unbekannte Phase 'beteiligung'"
    assert error.lines("en")[1] == "kaputt.toml: transitions.a_done.dest: unknown phase 'beteiligung'"
    assert error.render("en") == error.lines("en")[0] and str(error) == error.lines("de")[0]
    assert len(error.lines("en")) == 2  # the warnings do not stop loading, so they are not listed


def test_the_json_carries_code_and_params(broken: Path) -> None:
    problems = _door(broken).validate("kaputt", "en").as_json()["problems"]
    by_path = {p["path"]: p for p in problems}
    assert by_path["transitions.a_done.dest"] | {"line": ""} == {
        "file": "kaputt.toml", "path": "transitions.a_done.dest", "code": "definition.unknown_phase",
        "params": {"phase": "beteiligung"}, "message": "unknown phase 'beteiligung'", "severity": "error",
        "line": ""}
    assert by_path["initail"]["code"] == "schema.unknown_key.close"
    assert by_path["initail"]["params"] == {"path": "initail", "key": "initail", "suggestion": "initial"}
    never = by_path["transitions.a_team.guards.team"]
    assert (never["code"], never["severity"]) == ("definition.never_met", "warning")
    assert never["params"] == {"reason": {"code": "definition.guard.max_below_min", "params": {"max": 2, "min": 5}}}


def test_a_schema_error_names_the_path_and_the_value_given(tmp_path: Path) -> None:
    (tmp_path / "kaputt.toml").write_text(BROKEN.replace('initail = "a"\n', "").replace(
        'duration = "P1M"', "duration = 2"), encoding="utf-8")
    problems = _door(tmp_path).validate("kaputt", "de").problems
    [typed] = [p for p in problems if p.path == "phases.a.duration"]
    assert (typed.code, typed.params) == ("schema.expected.string.got", {"path": "phases.a.duration", "value": "2"})
    assert typed.message == "erwartet einen Text, angegeben: 2"


class _Unmapped(BaseModel):
    ref: uuid.UUID


def test_an_unmapped_pydantic_error_type_still_gives_one_clear_line() -> None:
    with pytest.raises(ValidationError) as caught:
        _Unmapped.model_validate({"ref": "kein-uuid\nzweite Zeile"})
    [(path, message)] = list(schema_findings(caught.value, "guards.x"))
    assert path == "guards.x.ref"
    assert message.key == "schema.invalid" and message.params["type"] == "uuid_parsing"
    assert message.params["reason"].startswith("expected a valid UUID")  # pydantic's own English words
    assert message.render("en") == message.params["reason"]
    assert message.render("de") == f"ungültig ({message.params['reason']})"


@pytest.mark.parametrize("name, content, english, german", [
    ("binary", b"\xff\xfe\x00schema", "binary.toml: not UTF-8: ", "binary.toml: nicht UTF-8: "),
    ("huge", b"#" * 1_000_001, "huge.toml: larger than 1 MB: not a workflow",
     "huge.toml: größer als 1 MB: keine Ablaufvariante"),
    ("deep", b"x = " + b"[" * 100_000, "deep.toml: malformed TOML: nested too deeply",
     "deep.toml: fehlerhaftes TOML: zu tief verschachtelt"),
    ("loose", b'extends = 3\n', "loose.toml: extends: must be the name of a variant",
     "loose.toml: extends: muss der Name einer Variante sein"),
])
def test_a_file_that_is_no_definition_is_said_in_either_language(tmp_path: Path, name: str, content: bytes,
                                                                english: str, german: str) -> None:
    (tmp_path / f"{name}.toml").write_bytes(content)
    _, [problem] = Catalog([tmp_path]).check(name)
    assert problem.line("en").startswith(english) and problem.line("de").startswith(german)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pydantic_error_type_zyklus_maps_has_its_keys(lang: str) -> None:
    """The keys computed from pydantic's error types, which the extraction of literal keys cannot see."""
    keys = [f"schema.expected.{kind}{got}" for kind in set(_EXPECTED.values()) for got in ("", ".got")]
    keys += [f"schema.{kind}" for kind in _BOUNDS]
    for key in keys:
        assert translation(key, lang)
