"""`zyklus workflow validate`: one test per error class, each asserting the exact line.

Every line reads `file: key.path: what is wrong`; warnings are listed but do not make a file
invalid. The definitions here are small on purpose: one mistake each, so the line it produces
is the only one (or, for the all-at-once test, exactly the expected set).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine.definitions.loader import Catalog

BASE = """\
schema = 1
name = "{name}"
label = "Basis"
initial = "a"

[phases.a]
label = "Phase A"
duration = "P1M"

[phases.b]
label = "Phase B"
duration = "P2M"

[facts.doc]
label = "Dokument"
fields.title = {{ type = "text", required = true }}
fields.url = {{ type = "url" }}

[transitions.a_done]
source = "a"
dest = "b"
[transitions.a_done.guards.doc]
type = "fact_recorded"
fact = "doc"

[transitions.b_done]
source = "b"
dest = "completed"

[restart]
phase = "a"
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def lines(folder: Path, text: str, name: str = "bad", *, warnings: bool = False, lang: str = "en") -> list[str]:
    """Write ``name.toml`` and return its error lines (or its warning lines) in ``lang``: English
    by default, so each kind of problem is pinned in English; the German tests ask for "de"."""
    (folder / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    definition, problems = Catalog([folder]).check(name)
    errors = [p.line(lang) for p in problems if not p.warning]
    if warnings:
        assert definition is not None and errors == []
        return [p.line(lang) for p in problems if p.warning]
    assert definition is None
    return errors


def base(**replace: str) -> str:
    text = BASE.format(name="bad")
    for old, new in replace.items():
        old = old.replace("_NL_", "\n")
        assert old in text, old
        text = text.replace(old, new.replace("_NL_", "\n"))
    return text


def test_the_base_itself_is_valid(folder: Path) -> None:
    assert lines(folder, base(), warnings=True) == []


# -- structure ------------------------------------------------------------------------------------
def test_unknown_phase_in_a_transition(folder: Path) -> None:
    assert lines(folder, base(**{'dest = "completed"': 'dest = "done"'})) == [
        "bad.toml: transitions.b_done.dest: unknown phase 'done'"]


def test_unknown_source_phase_in_a_transition(folder: Path) -> None:
    assert lines(folder, base(**{'source = "b"': 'source = "bb"'})) == [
        "bad.toml: transitions.b_done.source: unknown phase 'bb'"]


def test_phase_unreachable_from_the_start(folder: Path) -> None:
    text = base() + '[phases.c]\nlabel = "C"\nduration = "P1M"\n[transitions.c_done]\nsource = "c"\ndest = "b"\n'
    assert lines(folder, text) == ["bad.toml: phases.c: unreachable from the initial phase 'a'"]


def test_phase_with_no_way_out_and_no_restart(folder: Path) -> None:
    text = base(**{'[transitions.b_done]_NL_source = "b"': '[transitions.b_done]_NL_source = "a"'})
    assert lines(folder, text) == [
        "bad.toml: phases.b: no transition leads out of this phase: a cycle here could never complete, so no "
        "restart would ever begin the next one"]


def test_dead_end_phase(folder: Path) -> None:
    text = base() + '[phases.c]\nlabel = "C"\nduration = "P1M"\n[transitions.b_c]\ntrigger = "detour"\nsource = "b"\ndest = "c"\n'
    assert lines(folder, text) == [
        "bad.toml: phases.c: no transition leads out of this phase: a cycle here could never complete, so no "
        "restart would ever begin the next one"]


def test_no_path_to_evaluation_and_completion(folder: Path) -> None:
    text = base(**{'dest = "completed"': 'dest = "a"'})
    assert lines(folder, text) == [
        "bad.toml: transitions: no path from 'a' to 'completed' (evaluation must end the cycle)",
        "bad.toml: phases.a: no path from here to 'completed'",
        "bad.toml: phases.b: no path from here to 'completed'"]


# -- references -----------------------------------------------------------------------------------
def test_unknown_guard_type(folder: Path) -> None:
    assert lines(folder, base(**{'type = "fact_recorded"': 'type = "fact_seen"'})) == [
        "bad.toml: transitions.a_done.guards.doc.type: unknown guard type 'fact_seen'; "
        "types: fact_recorded, fact_count, role_count, fields_present, covers, programme_structure"]


def test_unknown_fact(folder: Path) -> None:
    assert lines(folder, base(**{'fact = "doc"': 'fact = "memo"'})) == [
        "bad.toml: transitions.a_done.guards.doc.fact: unknown fact 'memo'"]


def test_unknown_field(folder: Path) -> None:
    text = base() + '[transitions.a_done.guards.url]\ntype = "fields_present"\nfact = "doc"\nfields = ["colour"]\n'
    assert lines(folder, text) == ["bad.toml: transitions.a_done.guards.url.fields: fact 'doc' has no field 'colour'"]


def test_unknown_guard_parameter_suggests_the_right_one(folder: Path) -> None:
    text = base() + '[transitions.a_done.guards.docs]\ntype = "fact_count"\nfact = "doc"\nminimum = 2\n'
    assert lines(folder, text) == [
        "bad.toml: transitions.a_done.guards.docs.min: required key is missing",
        "bad.toml: transitions.a_done.guards.docs.minimum: unknown key; did you mean 'min'?"]


def test_unknown_key_in_a_table(folder: Path) -> None:
    assert lines(folder, base(**{'label = "Phase B"': 'label = "Phase B"_NL_colour = "red"'})) == [
        "bad.toml: phases.b.colour: unknown key; known keys: label, description, duration, reminders, reviews"]


def test_wrong_parameter_type(folder: Path) -> None:
    text = base() + '[transitions.a_done.guards.docs]\ntype = "fact_count"\nfact = "doc"\nmin = "two"\n'
    assert lines(folder, text) == ['bad.toml: transitions.a_done.guards.docs.min: expected an integer, got "two"']


def test_wrong_value_type_in_the_schema(folder: Path) -> None:
    assert lines(folder, base(**{'duration = "P2M"': "duration = 2"})) == [
        "bad.toml: phases.b.duration: expected a string, got 2"]


def test_guard_naming_an_unknown_role(folder: Path) -> None:
    text = base() + '[transitions.a_done.guards.team]\ntype = "role_count"\nrole = "kernteam"\nmin = 2\n'
    assert lines(folder, text) == [
        "bad.toml: transitions.a_done.guards.team.role: unknown role 'kernteam'; "
        "roles: coordination, core_team, steering_group, mayor_office"]


def test_reminder_rule_naming_an_unknown_role(folder: Path) -> None:
    text = base(**{'duration = "P1M"': 'duration = "P1M"_NL_reminders.roles = ["coordination", "mayor"]'})
    assert lines(folder, text) == [
        "bad.toml: phases.a.reminders.roles[1]: unknown role 'mayor'; "
        "roles: coordination, core_team, steering_group, mayor_office"]


def test_escalation_naming_an_unknown_role(folder: Path) -> None:
    text = base(**{'duration = "P1M"': 'duration = "P1M"_NL_reminders.overdue.escalate_to = ["buergermeister"]'})
    assert lines(folder, text) == [
        "bad.toml: phases.a.reminders.overdue.escalate_to[0]: unknown role 'buergermeister'; "
        "roles: coordination, core_team, steering_group, mayor_office"]


def test_transition_nobody_may_fire(folder: Path) -> None:
    assert lines(folder, base(**{'dest = "completed"': 'dest = "completed"_NL_roles = []'})) == [
        "bad.toml: transitions.b_done.roles: empty: nobody could fire this transition"]


# -- durations and dates ----------------------------------------------------------------------------
def test_duration_not_parseable(folder: Path) -> None:
    assert lines(folder, base(**{'duration = "P1M"': 'duration = "P1X"'})) == [
        "bad.toml: phases.a.duration: not an ISO 8601 date duration such as P3M or P14D: 'P1X'"]


@pytest.mark.parametrize("value", ["P0D", "P0M", "P0Y0M0W0D"])
def test_phase_duration_not_positive(folder: Path, value: str) -> None:
    assert lines(folder, base(**{'duration = "P1M"': f'duration = "{value}"'})) == [
        f"bad.toml: phases.a.duration: must be longer than zero days: '{value}'"]


def test_duration_beyond_a_century(folder: Path) -> None:
    assert lines(folder, base(**{'duration = "P1M"': 'duration = "P101Y"'})) == [
        "bad.toml: phases.a.duration: 'P101Y' is longer than 100 years"]


def test_review_interval_not_positive(folder: Path) -> None:
    text = base() + '[phases.b.reviews.check]\nlabel = "Check"\nevery = "P0D"\n'
    assert lines(folder, text) == ["bad.toml: phases.b.reviews.check.every: must be longer than zero days: 'P0D'"]


def test_event_date_must_be_an_iso_date(folder: Path) -> None:
    text = base() + '[events.conference]\nlabel = "Netzwerktagung"\non = "21.02.2027"\n'
    assert lines(folder, text) == ["bad.toml: events.conference.on: not a date YYYY-MM-DD: '21.02.2027'"]


def test_event_date_may_be_a_toml_date(folder: Path) -> None:
    (folder / "ok.toml").write_text(
        BASE.format(name="ok") + '[events.conference]\nlabel = "Netzwerktagung"\non = 2027-02-21\n', encoding="utf-8")
    assert Catalog([folder]).load("ok").events["conference"].on == "2027-02-21"


def test_event_needs_exactly_one_anchor(folder: Path) -> None:
    text = base() + '[events.conference]\nlabel = "Netzwerktagung"\non = "2027-02-21"\nafter_start = "P2M"\n'
    assert lines(folder, text) == [
        "bad.toml: events.conference: give exactly one of 'on' (a date) and 'after_start' (a duration)"]


# -- duplicates -------------------------------------------------------------------------------------
def test_table_declared_twice_is_malformed_toml_with_line_and_column(folder: Path) -> None:
    text = base() + '[phases.a]\nlabel = "noch einmal"\n'
    line = text.splitlines().index("[phases.a]", 10) + 1
    assert lines(folder, text) == [
        f"bad.toml: malformed TOML at line {line}, column 10: [phases.a] is declared twice (duplicate id)"]


def test_key_given_twice_is_malformed_toml(folder: Path) -> None:
    assert lines(folder, base(**{'label = "Phase A"': 'label = "Phase A"_NL_label = "A"'})) == [
        "bad.toml: malformed TOML at line 8, column 12: a key is given twice (duplicate key)"]


def test_transition_duplicating_another_could_never_fire(folder: Path) -> None:
    text = base() + '[transitions.b_again]\nsource = "b"\ndest = "a"\n'
    assert lines(folder, text) == [
        "bad.toml: transitions.b_again: duplicate of transitions.b_done: same trigger 'advance' from 'b' and no "
        "guard or role that tells them apart, so it could never fire"]


def test_transitions_told_apart_by_a_guard_are_no_duplicates(folder: Path) -> None:
    text = base() + textwrap.dedent("""
        [transitions.b_done.guards.doc]
        type = "fact_count"
        fact = "doc"
        min = 2
        [transitions.b_shortcut]
        source = "b"
        dest = "a"
        """)
    assert lines(folder, text, warnings=True) == []


def test_phase_named_like_the_reserved_end(folder: Path) -> None:
    text = base() + '[phases.completed]\nlabel = "Fertig"\nduration = "P1M"\n'
    assert lines(folder, text)[0] == "bad.toml: phases.completed: 'completed' is reserved for the end of a cycle"


def test_ids_are_plain_lower_case_words(folder: Path) -> None:
    text = base() + '[phases."Phase C"]\nlabel = "C"\nduration = "P1M"\n'
    assert lines(folder, text) == [
        "bad.toml: phases.\"Phase C\": 'Phase C' is not a valid id: use lower-case letters, digits and '_', "
        "starting with a letter"]


def test_the_same_reminder_offset_twice(folder: Path) -> None:
    text = base(**{'duration = "P1M"': 'duration = "P1M"_NL_reminders.before = ["P14D", "P2W"]'})
    assert lines(folder, text) == ["bad.toml: phases.a.reminders.before: 'P2W' is listed twice (same as 'P14D')"]


def test_the_same_choice_twice(folder: Path) -> None:
    text = base(**{'fields.url = { type = "url" }': 'fields.body = { type = "choice", choices = ["Rat", "Rat"] }'})
    assert lines(folder, text) == ["bad.toml: facts.doc.fields.body.choices: 'Rat' is listed twice"]


# -- extends ----------------------------------------------------------------------------------------
def test_extends_unknown_variant(folder: Path) -> None:
    assert lines(folder, 'name = "bad"\nextends = "nowhere"\n') == ["bad.toml: extends: unknown variant 'nowhere'"]


def test_extends_loop(folder: Path) -> None:
    (folder / "left.toml").write_text('name = "left"\nextends = "bad"\n', encoding="utf-8")
    assert lines(folder, 'name = "bad"\nextends = "left"\n') == ["left.toml: extends: loop: bad -> left -> bad"]


def test_error_in_the_parent_shows_in_the_child(folder: Path) -> None:
    (folder / "parent.toml").write_text(BASE.format(name="parent").replace('"P2M"', '"soon"'), encoding="utf-8")
    assert lines(folder, 'name = "bad"\nextends = "parent"\n') == [
        "bad.toml: phases.b.duration: not an ISO 8601 date duration such as P3M or P14D: 'soon'"]


# -- malformed TOML ---------------------------------------------------------------------------------
def test_malformed_toml_names_line_and_column(folder: Path) -> None:
    assert lines(folder, 'name = "bad"\nlabel = \n') == ["bad.toml: malformed TOML at line 2, column 9: Invalid value"]


def test_malformed_toml_at_the_end(folder: Path) -> None:
    assert lines(folder, 'name = "bad"\nroles = ["a",') == ["bad.toml: malformed TOML at end of file: Invalid value"]


# -- all at once ------------------------------------------------------------------------------------
def test_every_error_is_listed_at_once_even_across_schema_and_references(folder: Path) -> None:
    text = base(**{'duration = "P1M"': 'duration = "P1X"', 'fact = "doc"': 'fact = "memo"',
                   'dest = "completed"': 'dest = "completed"_NL_roles = ["coordination", "mayor"]'})
    text += '[events.conference]\nlabel = "Netzwerktagung"\non = "2027-02-30"\n'
    assert lines(folder, text) == [
        "bad.toml: phases.a.duration: not an ISO 8601 date duration such as P3M or P14D: 'P1X'",
        "bad.toml: events.conference.on: not a date YYYY-MM-DD: '2027-02-30'",
        "bad.toml: transitions.a_done.guards.doc.fact: unknown fact 'memo'",
        "bad.toml: transitions.b_done.roles[1]: unknown role 'mayor'; "
        "roles: coordination, core_team, steering_group, mayor_office",
    ]


def test_a_pruned_entry_does_not_echo_as_other_errors(folder: Path) -> None:
    """A phase whose label is missing is one error, not also "unknown phase" in every transition."""
    assert lines(folder, base(**{'label = "Phase B"_NL_': ''})) == ["bad.toml: phases.b.label: required key is missing"]


# -- warnings ---------------------------------------------------------------------------------------
def test_warning_phase_without_reminders(folder: Path) -> None:
    text = base(**{'duration = "P2M"': 'duration = "P2M"_NL_reminders = false'})
    assert lines(folder, text, warnings=True) == [
        "bad.toml: phases.b.reminders: phase has no reminders: nobody is told when it is due"]


def test_warning_reminders_that_can_never_send(folder: Path) -> None:
    text = base(**{'duration = "P2M"': 'duration = "P2M"_NL_reminders.roles = []'})
    assert lines(folder, text, warnings=True) == [
        "bad.toml: phases.b.reminders: phase has no reminders: nobody is told when it is due"]


def test_warning_guard_that_can_never_be_met(folder: Path) -> None:
    text = base() + '[transitions.a_done.guards.team]\ntype = "role_count"\nrole = "core_team"\nmin = 5\nmax = 2\n'
    assert lines(folder, text, warnings=True) == [
        "bad.toml: transitions.a_done.guards.team: can never be met: max (2) is below min (5)"]


def test_warning_guard_that_contradicts_another_through_nested_roles(folder: Path) -> None:
    text = base() + textwrap.dedent("""
        [transitions.a_done.guards.coordinators]
        type = "role_count"
        role = "coordination"
        min = 3
        [transitions.a_done.guards.small_core_team]
        type = "role_count"
        role = "core_team"
        max = 2
        severity = "warn"
        """)
    assert lines(folder, text, warnings=True) == [
        "bad.toml: transitions.a_done.guards.small_core_team: can never be met: guards.coordinators requires at "
        "least 3 coordination, which all count as core_team (max 2)"]


def test_warning_no_restart(folder: Path) -> None:
    assert lines(folder, base(**{'[restart]_NL_phase = "a"_NL_': ''}), warnings=True) == [
        "bad.toml: restart: no restart rule: a completed cycle does not begin again"]


def test_a_key_that_is_no_plain_word_stays_on_one_line(folder: Path) -> None:
    text = base() + '[phases.b."line\\nbreak"]\nx = 1\n'
    found = lines(folder, text)
    assert found == ['bad.toml: phases.b."line\\nbreak": unknown key; known keys: label, description, duration, '
                     'reminders, reviews']
