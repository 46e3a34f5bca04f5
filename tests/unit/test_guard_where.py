"""`fact_recorded` with `where`, and labelled choices, as `workflow validate` checks them: a value
the choice field cannot hold, a field the fact does not have and an empty list are each one line;
choices given as plain strings keep the definition's version."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine.definitions.loader import Catalog
from engine.guards import describe

BASE = """\
name = "beschluss"
label = "Beschluss"
initial = "a"

[phases.a]
label = "Phase A"
duration = "P1M"

[facts.doc]
label = "Beschluss"
fields.date = { type = "date" }
fields.result = { type = "choice", label = { de = "Ergebnis", en = "Result" }, choices = [
    { value = "adopted", label = { de = "beschlossen", en = "adopted" } },
    { value = "deferred", label = { de = "vertagt", en = "deferred" } },
] }

[transitions.a_done]
source = "a"
dest = "completed"
[transitions.a_done.guards.doc]
type = "fact_recorded"
fact = "doc"
where = { result = ["adopted"] }
dated_by = "date"

[restart]
phase = "a"
"""


def check(tmp_path: Path, old: str = "", new: str = "") -> tuple[object, list[str]]:
    (tmp_path / "beschluss.toml").write_text(textwrap.dedent(BASE.replace(old, new)), encoding="utf-8")
    definition, found = Catalog([tmp_path]).check("beschluss")
    return definition, [p.line("en") for p in found]


def test_the_base_is_valid_and_describes_its_condition_with_labels(tmp_path: Path) -> None:
    definition, problems = check(tmp_path)
    assert problems == []
    spec = definition.transitions["a_done"].guards["doc"]  # type: ignore[attr-defined]
    assert describe(spec, definition, "de") == "Nachweis „Beschluss“ mit Ergebnis „beschlossen“"  # type: ignore[arg-type]
    assert describe(spec, definition, "en") == "“Beschluss” with Result “adopted”"  # type: ignore[arg-type]


@pytest.mark.parametrize(("old", "new", "line"), [
    ('where = { result = ["adopted"] }', 'where = { result = ["angenommen"] }',
     "beschluss.toml: transitions.a_done.guards.doc.where.result: 'angenommen' is not a choice of the field "
     "'result'; allowed: adopted, deferred"),
    ('where = { result = ["adopted"] }', 'where = { outcome = ["adopted"] }',
     "beschluss.toml: transitions.a_done.guards.doc.fields: fact 'doc' has no field 'outcome'"),
    ('where = { result = ["adopted"] }', 'where = { result = [] }',
     "beschluss.toml: transitions.a_done.guards.doc.where: where.result lists no value; the guard could never be met"),
    ('dated_by = "date"', 'dated_by = "day"',
     "beschluss.toml: transitions.a_done.guards.doc.fields: fact 'doc' has no field 'day'"),
])
def test_a_where_that_could_never_match_is_refused_with_its_key_path(tmp_path: Path, old: str, new: str,
                                                                     line: str) -> None:
    definition, problems = check(tmp_path, old, new)
    assert definition is None and problems == [line]


def test_plain_string_choices_stay_strings_in_the_stored_definition(tmp_path: Path) -> None:
    plain, _ = check(tmp_path, '{ value = "deferred", label = { de = "vertagt", en = "deferred" } },', '"vertagt",')
    assert '"choices":[{"value":"adopted","label":{"de":"beschlossen","en":"adopted"}},"vertagt"]' in \
        plain.canonical_json  # type: ignore[attr-defined]
