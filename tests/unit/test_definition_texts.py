"""Definition texts at load time: labels and other one-line texts carry no control characters and
have a sane length, descriptions may keep line breaks but nothing else invisible. Each problem is
one `file: key.path: message` line, as `zyklus workflow validate` prints it. The shipped files
still load with the content hashes their running cycles are pinned to, and a version stored
before the check existed is still read back as stored (so its cycles can be migrated off)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from engine.definitions.loader import Catalog
from engine.definitions.model import Definition

BASE = """\
name = "texte"
label = "Basis"
description = "Zeile 1"
initial = "a"

[phases.a]
label = "Phase A"
duration = "P1M"

[facts.doc]
label = "Dokument"
fields.art = { type = "choice", choices = ["Bericht", "Beschluss"] }

[transitions.a_done]
source = "a"
dest = "completed"
[transitions.a_done.guards.doc]
type = "fact_recorded"
fact = "doc"
message = "Das Dokument fehlt."

[events.konferenz]
label = "Netzwerktagung"
on = 2027-02-15
"""
SHIPPED_VERSIONS = {"beispiel-nrw-beteiligung": "d6f3e477ff5c", "gnk-nrw": "90b2391ff6a2",
                    "gnk-thueringen": "5da60456321f", "kommune": "988bc82fd3a3", "landkreis": "c92e36057ee7"}
"""Changed deliberately (issues 12 and 13): a council resolution's result, committees and vote,
the NRW application step, the county's members as AGS, the workshop guards that also count held
steering-group meetings, and the guard that checks the action programme's structure. Cycles
already running stay on the versions they stored (fb4d75ff583f and friends) until
`zyklus workflow migrate` moves them."""


def problems(tmp_path: Path, **replace: str) -> list[str]:
    text = BASE
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "texte.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    definition, found = Catalog([tmp_path]).check("texte")
    errors = [p.line("en") for p in found if not p.warning]  # the texts are pinned in English
    assert (definition is None) == bool(errors)
    return errors


def test_the_shipped_files_load_with_the_versions_their_cycles_are_pinned_to() -> None:
    catalog = Catalog()
    assert {name: catalog.load(name).version for name in catalog.names()} == SHIPPED_VERSIONS


def test_the_base_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


@pytest.mark.parametrize("char", ["\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"],
                         ids=["LF", "CR", "TAB", "NUL", "ESC", "DEL", "NEL", "LINE-SEP", "PARA-SEP"])
def test_a_label_with_a_control_character_is_refused_with_its_key_path(tmp_path: Path, char: str) -> None:
    escaped = json.dumps(f"Phase{char}A")  # a TOML basic string takes JSON's escapes
    assert problems(tmp_path, **{'label = "Phase A"': f"label = {escaped}"}) == [
        f"texte.toml: phases.a.label.de: {f'Phase{char}A'!r} contains a control character; it must be one line"]


@pytest.mark.parametrize(("old", "new", "path"), [
    ('label = "Dokument"', 'label = { de = "Dokument", en = "Docu\\nment" }', "facts.doc.label.en"),
    ('message = "Das Dokument fehlt."', 'message = "Das Dokument\\r\\nBcc: x@example.org"',
     "transitions.a_done.guards.doc.message.de"),
    ('choices = ["Bericht", "Beschluss"]', 'choices = ["Bericht", "Be\\u2028schluss"]', "facts.doc.fields.art.choices[1]"),
    ('label = "Netzwerktagung"', 'label = "Netzwerk\\ttagung"', "events.konferenz.label.de"),
    ('label = "Basis"', 'label = "Ba\\u0085sis"', "label.de"),
], ids=["english-label", "guard-message", "choice", "event-label", "workflow-label"])
def test_every_one_line_text_is_checked(tmp_path: Path, old: str, new: str, path: str) -> None:
    [line] = problems(tmp_path, **{old: new})
    assert line.startswith(f"texte.toml: {path}: ") and line.endswith("contains a control character; it must be one line")


def test_descriptions_may_span_lines_but_hold_no_other_control_character(tmp_path: Path) -> None:
    assert problems(tmp_path, **{'description = "Zeile 1"': 'description = "Zeile 1\\nZeile 2"'}) == []
    assert problems(tmp_path, **{'description = "Zeile 1"': 'description = "Zeile 1\\r\\nZeile 2"'}) == [
        "texte.toml: description.de: 'Zeile 1\\r\\nZeile 2' contains a control character; only line breaks (LF) "
        "are allowed"]


def test_lengths_are_bounded(tmp_path: Path) -> None:
    assert problems(tmp_path, **{'label = "Phase A"': f'label = "{"A" * 200}"'}) == []
    assert problems(tmp_path, **{'label = "Phase A"': f'label = "{"A" * 201}"'}) == [
        "texte.toml: phases.a.label.de: is 201 characters long; at most 200 are allowed"]
    assert problems(tmp_path, **{'message = "Das Dokument fehlt."': f'message = "{"x" * 501}"'}) == [
        "texte.toml: transitions.a_done.guards.doc.message.de: is 501 characters long; at most 500 are allowed"]
    assert problems(tmp_path, **{'description = "Zeile 1"': f'description = "{"x" * 2001}"'}) == [
        "texte.toml: description.de: is 2001 characters long; at most 2000 are allowed"]


def test_a_version_stored_before_the_check_is_read_back_as_stored() -> None:
    body = json.loads(Catalog().load("kommune").canonical_json)
    body["phases"]["setup"]["label"]["de"] = "Aufbau der\nArbeitsstrukturen"
    stored = Definition.from_stored(body)
    assert stored.phase_label("setup", "de") == "Aufbau der\nArbeitsstrukturen"
    assert Definition.from_stored(json.loads(stored.canonical_json)).version == stored.version
    with pytest.raises(ValueError, match="contains a control character"):
        Definition.model_validate(body)  # a file (or anything not stored) with it is refused
