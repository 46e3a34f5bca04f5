"""Loading workflow definitions: validation with file and key path, `extends` and its merge rules."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from engine.definitions.loader import SHIPPED_DIR, Catalog, merge
from engine.definitions.model import COMPLETED
from engine.errors import DefinitionError

BASE = """
schema = 1
name = "base"
label = "Basis"
initial = "a"

[phases.a]
label = { de = "Phase A", en = "Phase A (en)" }
duration = "P1M"

[phases.b]
label = "Phase B"
duration = "P2M"

[facts.doc]
label = "Dokument"
fields.title = { type = "text", required = true }
fields.url = { type = "url" }

[transitions.a_done]
source = "a"
dest = "b"
[transitions.a_done.guards.doc]
type = "fact_recorded"
fact = "doc"
note = "why the base wants it"
[transitions.a_done.guards.doc_url]
type = "fields_present"
fact = "doc"
fields = ["url"]
severity = "warn"

[transitions.b_done]
source = "b"
dest = "completed"
roles = ["coordination", "core_team"]

[restart]
phase = "a"
"""


@pytest.fixture
def admin(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "base.toml").write_text(BASE, encoding="utf-8")
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(folder: Path, name: str) -> list[str]:
    """The error lines of loading ``name``, asked for in English."""
    with pytest.raises(DefinitionError) as exc:
        Catalog([folder]).load(name)
    assert exc.value.message == str(exc.value.problems[0])
    assert exc.value.render("en") == exc.value.lines("en")[0]
    return exc.value.lines("en")


# -- the shipped variants ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["kommune", "gnk-thueringen"])
def test_shipped_definitions_load_without_errors(name: str) -> None:
    definition, found = Catalog().check(name)
    assert definition is not None
    assert [str(p) for p in found if not p.warning] == []


def test_gnk_thueringen_is_faithful_to_the_seeds() -> None:
    d = Catalog().load("gnk-thueringen")
    six = ["setup", "inventory", "strategy", "council_resolution", "implementation", "evaluation"]
    assert d.phase_order == ["application", *six]
    assert all(d.phases[p].label.de and d.phases[p].label.en for p in d.phases)
    resolution = d.facts["council_resolution"].fields
    assert {n: (f.type, f.required) for n, f in resolution.items() if n != "url"} == {
        "date": ("date", True), "body": ("choice", True), "reference": ("text", True), "result": ("choice", True),
        "agenda_item": ("text", False), "committees": ("text", False), "votes_yes": ("integer", False),
        "votes_no": ("integer", False), "abstentions": ("integer", False)}
    assert {"Stadtrat", "Gemeinderat", "Kreistag"} <= set(resolution["body"].choices)
    assert resolution["result"].choice_values == ("adopted", "adopted_amended", "rejected", "deferred", "withdrawn")
    assert [resolution["result"].choice_label(v, "de") for v in resolution["result"].choice_values] == [
        "beschlossen", "geändert beschlossen", "abgelehnt", "vertagt", "zurückgezogen"]
    guards = d.transitions["resolution_done"].guards
    assert (guards["resolution"].type, guards["resolution"].params) == ("fact_recorded", {
        "fact": "council_resolution", "where": {"result": ["adopted", "adopted_amended"]}, "absent_matches": True,
        "dated_by": "date"})
    assert d.transitions["resolution_done"].dest == "implementation"
    setup = {gid: (g.params.get("role"), g.params.get("min"), g.params.get("max"), g.severity)
             for gid, g in d.transitions["setup_done"].guards.items() if g.type == "role_count"}
    assert setup == {
        "coordination": ("coordination", 2, None, "block"), "coordination_size": ("coordination", 2, 2, "warn"),
        "core_team": ("core_team", 3, None, "block"), "core_team_size": ("core_team", 5, 10, "warn"),
        "steering_group": ("steering_group", 10, None, "block"),
        "steering_group_size": ("steering_group", 15, 25, "warn")}
    # Leitlinien, strategic and operative goals, measures with resources per theme field of the inventory
    programme = d.transitions["strategy_done"].guards["programme"]
    assert (programme.type, programme.severity, programme.params) == (
        "programme_structure", "block", {"fact": "inventory_report", "field": "theme_fields"})
    assert d.transitions["strategy_done"].guards["programme_document"].params == {"fact": "action_programme"}
    assert d.transitions["strategy_done"].guards["workshops"].params["min"] >= 2
    done = d.transitions["evaluation_done"]
    assert done.dest == COMPLETED and done.guards["report"].params == {"fact": "report_published"}
    assert done.guards["report"].severity == "block"
    assert d.restart is not None and d.restart.phase == "strategy"


def test_version_is_a_content_hash(admin: Path) -> None:
    first = Catalog([admin]).load("base")
    assert len(first.version) == 12
    path = admin / "base.toml"
    path.write_text("# a comment changes no meaning\n" + BASE.replace("\n\n", "\n"), encoding="utf-8")
    assert Catalog([admin]).load("base").version == first.version
    path.write_text(BASE.replace('duration = "P2M"', 'duration = "P3M"'), encoding="utf-8")
    assert Catalog([admin]).load("base").version != first.version


def test_admin_folder_comes_before_the_shipped_one(admin: Path) -> None:
    write(admin, "kommune", BASE.replace('name = "base"', 'name = "kommune"'))
    catalog = Catalog([admin])
    assert catalog.load("kommune").label.de == "Basis"
    assert "kommune" in catalog.names() and "base" in catalog.names() and "gnk-thueringen" in catalog.names()
    assert catalog.path_of("gnk-thueringen") == SHIPPED_DIR / "gnk-thueringen.toml"


def test_unknown_workflow() -> None:
    with pytest.raises(DefinitionError) as exc:
        Catalog().load("nope")
    assert exc.value.code == "workflow.unknown"
    assert exc.value.render("en").startswith("Unknown workflow 'nope'; available: ")


# -- extends and merge rules --------------------------------------------------------------------------
def test_extends_merges_tables_key_by_key(admin: Path) -> None:
    write(admin, "child", """
        name = "child"
        extends = "base"
        label = "Kind"
        [phases.a]
        duration = "P3M"
        [transitions.a_done.guards.doc_url]
        severity = "block"
    """)
    d = Catalog([admin]).load("child")
    assert d.extends == "base" and d.label.de == "Kind"
    assert d.phases["a"].duration == "P3M"
    assert d.phases["a"].label.en == "Phase A (en)"  # kept from the base
    url = d.transitions["a_done"].guards["doc_url"]
    assert (url.type, url.severity, url.params) == ("fields_present", "block", {"fact": "doc", "fields": ["url"]})
    assert d.facts["doc"].fields["title"].required  # untouched tables are inherited whole


def test_extends_remove_true_deletes_the_inherited_entry(admin: Path) -> None:
    write(admin, "child", """
        name = "child"
        extends = "base"
        [transitions.a_done.guards.doc_url]
        remove = true
        [facts.doc.fields.url]
        remove = true
    """)
    d = Catalog([admin]).load("child")
    assert list(d.transitions["a_done"].guards) == ["doc"]
    assert list(d.facts["doc"].fields) == ["title"]


def test_extends_a_guard_naming_its_type_replaces_the_inherited_one_whole(admin: Path) -> None:
    write(admin, "child", """
        name = "child"
        extends = "base"
        [transitions.a_done.guards.doc]
        type = "fact_count"
        fact = "doc"
        min = 2
    """)
    guard = Catalog([admin]).load("child").transitions["a_done"].guards["doc"]
    assert guard.type == "fact_count"
    assert guard.params == {"fact": "doc", "min": 2}
    assert guard.note is None  # nothing of the replaced guard survives


def test_extends_arrays_are_replaced_not_appended(admin: Path) -> None:
    write(admin, "child", """
        name = "child"
        extends = "base"
        [transitions.b_done]
        roles = ["steering_group"]
    """)
    assert Catalog([admin]).load("child").transitions["b_done"].roles == ("steering_group",)


def test_merge_function_rules() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "g": {"type": "t1", "p": 1, "note": "n"}, "gone": {"k": 1}, "s": "old"}
    over = {"a": {"y": [3]}, "g": {"type": "t2", "q": 2, "remove": False}, "gone": {"remove": True},
            "s": "new", "new": {"remove": True}}
    assert merge(base, over) == {"a": {"x": 1, "y": [3]}, "g": {"type": "t2", "q": 2}, "s": "new"}
    assert base["a"] == {"x": 1, "y": [1, 2]}  # the base is not modified


def test_extends_chain_of_three(admin: Path) -> None:
    write(admin, "child", 'name = "child"\nextends = "base"\n[phases.b]\nduration = "P5M"\n')
    write(admin, "grandchild", 'name = "grandchild"\nextends = "child"\n[phases.a]\nduration = "P7M"\n')
    d = Catalog([admin]).load("grandchild")
    assert (d.phases["a"].duration, d.phases["b"].duration, d.extends) == ("P7M", "P5M", "child")


def test_extends_loop(admin: Path) -> None:
    write(admin, "left", 'name = "left"\nextends = "right"\n')
    write(admin, "right", 'name = "right"\nextends = "left"\n')
    found = problems(admin, "left")
    assert found == ["right.toml: extends: loop: left -> right -> left"]


def test_extends_itself(admin: Path) -> None:
    write(admin, "selfish", 'name = "selfish"\nextends = "selfish"\n')
    assert problems(admin, "selfish") == ["selfish.toml: extends: loop: selfish -> selfish"]


def test_extends_unknown_variant(admin: Path) -> None:
    write(admin, "orphan", 'name = "orphan"\nextends = "nowhere"\n')
    assert problems(admin, "orphan") == ["orphan.toml: extends: unknown variant 'nowhere'"]


def test_extends_must_be_a_name(admin: Path) -> None:
    write(admin, "odd", 'name = "odd"\nextends = ["base"]\n')
    assert problems(admin, "odd") == ["odd.toml: extends: must be the name of a variant"]


def test_removing_a_phase_still_in_use_is_reported_where_it_is_used(admin: Path) -> None:
    write(admin, "child", 'name = "child"\nextends = "base"\n[phases.b]\nremove = true\n')
    found = problems(admin, "child")
    assert "child.toml: transitions.a_done.dest: unknown phase 'b'" in found
    assert "child.toml: transitions.b_done.source: unknown phase 'b'" in found


# -- validation errors carry file and key path ---------------------------------------------------------
@pytest.mark.parametrize(("change", "expected"), [
    (('duration = "P1M"', 'duration = "P1X"'), "bad.toml: phases.a.duration: "),
    (('fact = "doc"\nnote', 'fact = "memo"\nnote'), "bad.toml: transitions.a_done.guards.doc.fact: unknown fact 'memo'"),
    (('type = "fact_recorded"', 'type = "fact_seen"'), "bad.toml: transitions.a_done.guards.doc.type: unknown guard type"),
    (('fields = ["url"]', 'fields = ["colour"]'), "bad.toml: transitions.a_done.guards.doc_url.fields: fact 'doc' has no field 'colour'"),
    (('roles = ["coordination", "core_team"]', 'roles = ["coordination", "mayor"]'), "bad.toml: transitions.b_done.roles[1]: unknown role 'mayor'"),
    (('dest = "completed"', 'dest = "done"'), "bad.toml: transitions.b_done.dest: unknown phase 'done'"),
    (('initial = "a"', 'initial = "z"'), "bad.toml: initial: unknown phase 'z'"),
    (('[restart]\nphase = "a"', '[restart]\nphase = "q"'), "bad.toml: restart.phase: unknown phase 'q'"),
    (('severity = "warn"', 'severity = "loud"'), "bad.toml: transitions.a_done.guards.doc_url.severity: "),
    (('fields.url = { type = "url" }', 'fields.url = { type = "colour" }'), "bad.toml: facts.doc.fields.url.type: "),
    (('fields.url = { type = "url" }', 'fields.url = { type = "choice" }'), "bad.toml: facts.doc.fields.url: "),
    (('label = "Dokument"', 'label = "Dokument"\ncolour = "red"'), "bad.toml: facts.doc.colour: "),
    (('name = "base"', 'name = "other"'), "bad.toml: name: must equal the file name 'bad'"),
    (('[transitions.b_done]\nsource = "b"', '[transitions.b_done]\nsource = "a"'), "bad.toml: phases.b: no transition leads out of this phase"),
])
def test_validation_errors_name_file_and_key_path(admin: Path, change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in BASE
    text = BASE.replace(old, new)
    if not change[0].startswith('name ='):
        text = text.replace('name = "base"', 'name = "bad"')
    write(admin, "bad", text)
    found = problems(admin, "bad")
    assert any(p.startswith(expected) for p in found), found


def test_all_errors_are_reported_at_once(admin: Path) -> None:
    text = (BASE.replace('name = "base"', 'name = "bad"').replace('fact = "doc"\nnote', 'fact = "memo"\nnote')
            .replace('"core_team"]', '"mayor"]'))
    write(admin, "bad", text)
    found = problems(admin, "bad")
    assert len(found) >= 2
    assert all(p.startswith("bad.toml: ") for p in found)


def test_errors_in_the_parent_are_reported(admin: Path) -> None:
    write(admin, "base", BASE.replace('duration = "P2M"', 'duration = "soon"'))
    write(admin, "child", 'name = "child"\nextends = "base"\n')
    assert any(p.startswith("child.toml: phases.b.duration: ") for p in problems(admin, "child"))


def test_malformed_toml_names_the_line(admin: Path) -> None:
    write(admin, "broken", 'name = "broken"\nlabel = \n')
    found = problems(admin, "broken")
    assert len(found) == 1 and found[0].startswith("broken.toml: malformed TOML") and "line 2" in found[0]


def test_no_python_in_a_definition(admin: Path) -> None:
    write(admin, "bad", BASE.replace('name = "base"', 'name = "bad"')
          .replace('type = "fact_recorded"', 'type = "engine.guards:FactRecorded"'))
    assert any(".guards.doc.type: unknown guard type" in p for p in problems(admin, "bad"))


def test_warnings_do_not_stop_loading(admin: Path) -> None:
    write(admin, "odd", BASE.replace('name = "base"', 'name = "odd"').replace(
        'severity = "warn"',
        'severity = "warn"\n[transitions.a_done.guards.team]\ntype = "role_count"\nrole = "core_team"\nmin = 5\nmax = 2'))
    catalog = Catalog([admin])
    definition, found = catalog.check("odd")
    assert definition is not None
    warnings = [p.line("en") for p in found if p.warning]
    assert any(w.startswith("odd.toml: transitions.a_done.guards.team: can never be met") for w in warnings)
    assert [p for p in found if not p.warning] == []
    assert catalog.load("odd").transitions["a_done"].guards["team"].params["max"] == 2


# -- the catalogue sees edits -------------------------------------------------------------------------
def test_an_edited_file_is_read_again(admin: Path) -> None:
    catalog = Catalog([admin])
    before = catalog.load("base")
    path = admin / "base.toml"
    path.write_text(BASE.replace('duration = "P2M"', 'duration = "P4M"'), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    after = catalog.load("base")
    assert after.phases["b"].duration == "P4M" and after.version != before.version


def test_an_edited_parent_is_read_again(admin: Path) -> None:
    """A long-running process (the scheduler) starting new cycles must see an edit of the base file."""
    write(admin, "child", 'name = "child"\nextends = "base"\n')
    catalog = Catalog([admin])
    before = catalog.load("child")
    path = admin / "base.toml"
    path.write_text(BASE.replace('duration = "P2M"', 'duration = "P4M"'), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    after = catalog.load("child")
    assert after.phases["b"].duration == "P4M" and after.version != before.version


def test_an_administrator_file_may_extend_the_shipped_variant_of_the_same_name(admin: Path) -> None:
    write(admin, "gnk-thueringen", 'name = "gnk-thueringen"\nextends = "gnk-thueringen"\n'
                                   '[phases.strategy]\nduration = "P14M"\n')
    definition = Catalog([admin]).load("gnk-thueringen")
    shipped = Catalog().load("gnk-thueringen")
    assert definition.phases["strategy"].duration == "P14M"
    assert definition.phases["application"] == shipped.phases["application"]  # the rest is inherited
    assert definition.version != shipped.version


def test_switched_off_reminders_stay_off_in_the_stored_definition(admin: Path) -> None:
    """A cycle runs on the definition read back from the database: `false` must survive that."""
    import json

    from engine.definitions.model import Definition

    write(admin, "stumm", 'name = "stumm"\nextends = "kommune"\n[phases.setup]\nreminders = false\n'
                          '[phases.inventory.reminders]\noverdue = false\n'
                          '[events.tagung]\nlabel = "Tagung"\nafter_start = "P2M"\nonly_cycle = false\n')
    definition = Catalog([admin]).load("stumm")
    stored = Definition.model_validate(json.loads(definition.canonical_json))
    assert stored.phases["setup"].reminders is None
    assert stored.phases["inventory"].reminders is not None and stored.phases["inventory"].reminders.overdue is None
    assert stored.events["tagung"].only_cycle is None
    assert stored == definition and stored.version == definition.version
