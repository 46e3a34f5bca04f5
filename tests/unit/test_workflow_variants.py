"""The shipped variants say what their comments claim, and the guide's example is a valid file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.definitions.loader import SHIPPED_DIR, Catalog
from engine.errors import InvalidInput
from engine.facts import parse_fields
from engine.guards import evaluate_all
from engine.snapshot import CycleSnapshot, FactView

ROOT = Path(__file__).resolve().parents[2]
SIX = ["setup", "inventory", "strategy", "council_resolution", "implementation", "evaluation"]


@pytest.mark.parametrize("name", ["kommune", "gnk-thueringen", "landkreis", "gnk-nrw", "beispiel-nrw-beteiligung"])
def test_shipped_variants_are_valid_without_warnings(name: str) -> None:
    definition, problems = Catalog().check(name)
    assert definition is not None
    assert [str(p) for p in problems] == []


def test_every_shipped_file_is_commented() -> None:
    for path in SHIPPED_DIR.glob("*.toml"):
        comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
        assert len(comments) >= 5, path.name


# -- landkreis ------------------------------------------------------------------------------------------
def test_landkreis_decides_in_the_kreistag_only() -> None:
    d = Catalog().load("landkreis")
    assert d.extends == "kommune" and d.phase_order == SIX
    body = d.facts["council_resolution"].fields["body"]
    assert (body.type, body.required, body.choices) == ("choice", True, ("Kreistag",))
    assert d.phases["council_resolution"].label.de == "Formeller Beschluss (Kreistag)"
    values = {"date": "2028-03-09", "reference": "KT 0042/28", "result": "adopted"}
    assert parse_fields("council_resolution", d.facts["council_resolution"], {**values, "body": "Kreistag"})["body"] \
        == "Kreistag"
    with pytest.raises(InvalidInput, match="Stadtrat"):
        parse_fields("council_resolution", d.facts["council_resolution"], {**values, "body": "Stadtrat"})


def test_landkreis_inventory_must_cover_the_member_municipalities() -> None:
    d = Catalog().load("landkreis")
    guards = d.transitions["inventory_done"].guards
    on = __import__("datetime").date(2027, 9, 1)
    members = FactView("county_members", parse_fields("county_members", d.facts["county_members"], {
        "members": "16067029, 16067072 16067072;16067082"}), on)
    assert members.fields == {"members": ["16067029", "16067072", "16067082"]}  # each once, in the order given
    report = FactView("inventory_report", {"title": "Bestandsaufnahme"}, on)
    partial = FactView("inventory_report", parse_fields("inventory_report", d.facts["inventory_report"], {
        "title": "Bestandsaufnahme", "members_covered": "16067029,16067072"}), on)
    full = FactView("inventory_report", {**partial.fields, "theme_fields": "Klima",
                                         "members_covered": members.fields["members"]}, on)

    def unmet(*facts: FactView) -> dict[str, str]:
        results = evaluate_all(guards, CycleSnapshot(1, "inventory", facts), d, "de")
        return {r.id: r.severity for r in results if not r.ok}

    assert unmet(members, report) == {"theme_fields": "warn", "members_covered": "block", "all_members": "warn"}
    assert unmet(members, partial) == {"theme_fields": "warn", "all_members": "warn"}
    assert unmet(members, full) == {}
    [warning] = [r for r in evaluate_all(guards, CycleSnapshot(1, "inventory", (members, partial)), d, "de")
                 if r.id == "all_members"]
    assert warning.message == ("„Bericht der Bestandsaufnahme“: unter „Erfasste kreisangehörige Kommunen (AGS)“ "
                               "fehlen 1 von 3 aus „Kreisangehörige Kommunen“: 16067082")
    assert warning.details == {"uncovered": ["16067082"]}
    assert "members" in d.transitions["setup_done"].guards  # the list is recorded in the set-up phase
    kommune = Catalog().load("kommune")
    assert "members_covered" not in kommune.transitions["inventory_done"].guards  # only the county asks


@pytest.mark.parametrize("value", ["1606702", "16067029x", "Gotha"])
def test_landkreis_members_are_checked_as_ags(value: str) -> None:
    fact = Catalog().load("landkreis").facts["county_members"]
    with pytest.raises(InvalidInput, match="members"):
        parse_fields("county_members", fact, {"members": f"16067029, {value}"})


# -- gnk-nrw ----------------------------------------------------------------------------------------------
def test_gnk_nrw_begins_with_the_application_to_lag_21() -> None:
    d = Catalog().load("gnk-nrw")
    assert d.extends == "kommune" and d.initial == "application"
    assert d.phase_order == ["application", *SIX]
    done = d.transitions["application_done"]
    assert (done.source, done.dest) == ("application", "setup")
    assert {g: (s.type, s.params["fact"]) for g, s in done.guards.items()} == {
        "application": ("fact_recorded", "application"),
        "memorandum": ("fact_recorded", "memorandum_of_understanding"),
        "selected": ("fact_recorded", "selection")}
    assert d.facts["council_resolution"].fields["body"].choices == ("Rat", "Kreistag")
    assert d.transitions["strategy_done"].dest == "council_resolution"  # no participation phase of its own
    assert set(d.transitions["strategy_done"].guards) == {"workshops", "programme", "programme_document"}  # inherited, one replaced
    assert d.transitions["strategy_done"].guards["workshops"].params == {"fact": "workshop", "meetings": "steering_group",
                                                                  "min": 2}
    assert d.restart is not None and d.restart.phase == "strategy"


def test_the_participation_phase_is_an_example_variant_labelled_as_such() -> None:
    d = Catalog().load("beispiel-nrw-beteiligung")
    assert d.extends == "gnk-nrw"
    assert d.label.de.startswith("Beispiel:") and d.label.en.startswith("Example:")
    assert d.phase_order == ["application", "setup", "inventory", "strategy", "participation", "council_resolution",
                             "implementation", "evaluation"]
    assert d.transitions["strategy_done"].dest == "participation"
    done = d.transitions["participation_done"]
    assert (done.source, done.dest) == ("participation", "council_resolution")
    assert {g: s.severity for g, s in done.guards.items()} == {
        "participation": "block", "considered": "block", "participants": "warn"}


def test_gnk_nrw_has_five_network_conferences_in_the_first_cycle() -> None:
    d = Catalog().load("gnk-nrw")
    assert sorted(d.events) == [f"network_conference_{i}" for i in range(1, 6)]
    assert all(e.only_cycle == 1 and e.after_start for e in d.events.values())
    assert len(Catalog().load("gnk-thueringen").events) == 4


# -- the guide ---------------------------------------------------------------------------------------------
def _guide_examples() -> dict[str, str]:
    """The TOML blocks of docs/workflows.md that start with a `# file: NAME.toml` line."""
    text = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(# file: ([a-z0-9-]+)\.toml\n.*?)```", text, flags=re.S)
    return {name: body for body, name in blocks}


def test_the_guides_complete_example_is_a_valid_variant(tmp_path: Path) -> None:
    examples = _guide_examples()
    assert examples, "docs/workflows.md lost its example"
    for name, body in examples.items():
        (tmp_path / f"{name}.toml").write_text(body, encoding="utf-8")
    for name in examples:
        definition, problems = Catalog([tmp_path]).check(name)
        assert definition is not None, [str(p) for p in problems]
        assert [str(p) for p in problems if not p.warning] == []


def test_the_guides_diagram_is_what_show_prints_for_the_example(tmp_path: Path) -> None:
    from engine.workflow_view import render_mermaid

    for name, body in _guide_examples().items():
        (tmp_path / f"{name}.toml").write_text(body, encoding="utf-8")
    text = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    diagram = re.search(r"```mermaid\n(.*?)```", text, flags=re.S)
    assert diagram is not None
    assert diagram[1].strip() == render_mermaid(Catalog([tmp_path]).load("musterstadt"), "de")
