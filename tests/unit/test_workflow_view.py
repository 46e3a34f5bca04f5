"""`workflow show`: the text, the Mermaid diagram and the JSON of a definition."""

from __future__ import annotations

import json
import re

import pytest

from engine.definitions.loader import Catalog
from engine.definitions.model import Definition
from engine.workflow_view import format_duration, render_mermaid, render_text, resolved


@pytest.fixture(scope="module")
def gnk() -> Definition:
    return Catalog().load("gnk-thueringen")


def test_format_duration_in_both_languages() -> None:
    assert format_duration("P1Y6M", "de") == "1 Jahr 6 Monate"
    assert format_duration("P2W", "de") == "14 Tage"
    assert format_duration("P1M1D", "en") == "1 month 1 day"
    assert format_duration("P0D", "en") == "0 days"


def test_text_lists_phases_in_process_order_with_durations(gnk: Definition) -> None:
    text = render_text(gnk, "de", "/x/gnk-thueringen.toml")
    assert text.splitlines()[0] == (f"Global Nachhaltige Kommune Thüringen (gnk-thueringen, Version {gnk.version}, "
                                    "erweitert kommune)")
    numbered = re.findall(r"^  (\d)\. ([a-z_]+) – .* \((.*)\)$", text, flags=re.M)
    assert [p for _, p, _ in numbered] == gnk.phase_order
    assert numbered[0] == ("1", "application", "3 Monate")
    assert "Quelle: /x/gnk-thueringen.toml" in text


def test_text_shows_guard_labels_with_their_severity(gnk: Definition) -> None:
    text = render_text(gnk, "de")
    assert "     ✗ Nachweis „Letter of Intent der Verwaltungsspitze“ erfasst (letter_of_intent, blockiert)" in text
    assert "     ! Kernteam: 5 bis 10 (core_team_size, nur Hinweis)" in text
    assert "     ✗ mindestens 2 × „Workshop der Steuerungsgruppe“ (workshops, blockiert)" in text


def test_text_shows_reminders_reviews_events_restart_and_award(gnk: Definition) -> None:
    text = render_text(gnk, "en")
    assert ("     Reminders: on entry; 30 days, 14 days, 3 days before; on the due date; when overdue every 7 days "
            "(at most 4×); 14 days after the due date also to Core team, Mayor's office → Coordination") in text
    assert ("     Review annual_monitoring: Annual monitoring report (every 1 year; 30 days, 7 days before) → "
            "Coordination, Core team") in text
    assert "  network_conference_4: 4th network conference – 20 months after the cycle starts, only in cycle 1" in text
    assert "Next cycle: begins right after completion in phase Developing or revising the strategy." in text
    assert text.endswith("Award after the first cycle: Global Sustainable Municipality Thuringia")


_MERMAID_LINE = re.compile(r"^(stateDiagram-v2|    [a-z][a-z0-9_]* : [^:;#\n]*(?:#\d+;[^:;#\n]*)*|"
                           r"    (?:\[\*\]|[a-z][a-z0-9_]*) --> (?:\[\*\]|[a-z][a-z0-9_]*)(?: : [^:;\n]*)?)$")


@pytest.mark.parametrize("name", ["kommune", "gnk-thueringen", "landkreis", "gnk-nrw"])
def test_mermaid_is_a_state_diagram_of_every_phase_and_transition(name: str) -> None:
    d = Catalog().load(name)
    diagram = render_mermaid(d, "de")
    lines = diagram.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert all(_MERMAID_LINE.match(line) for line in lines), [x for x in lines if not _MERMAID_LINE.match(x)]
    states = {line.split(" : ")[0].strip() for line in lines if " : " in line and "-->" not in line}
    assert states == set(d.phases) | {"completed"}
    edges = [line for line in lines if "-->" in line and "[*]" not in line and not line.startswith("    completed")]
    assert len(edges) == len(d.transitions)
    assert f"    [*] --> {d.initial}" in lines
    assert f"    completed --> {d.restart.phase} : nächster Zyklus" in lines


def test_mermaid_marks_warning_guards_and_escapes_syntax() -> None:
    d = Catalog().load("gnk-thueringen")
    assert "    setup --> inventory : coordination, core_team, steering_group, informed!, coordination_size!, " \
           "core_team_size!, steering_group_size!" in render_mermaid(d, "de").splitlines()
    odd = Definition.model_validate({
        "name": "odd", "label": "Odd", "initial": "note",
        "phases": {"note": {"label": 'Teil 1; "Start": #1', "duration": "P1M"}},
        "transitions": {"note_done": {"trigger": "finish", "source": "note", "dest": "completed"}}})
    assert render_mermaid(odd, "de").splitlines() == [
        "stateDiagram-v2", "    note_ : Teil 1#59; #34;Start#34;#58; #35;1", "    completed : Abgeschlossen",
        "    [*] --> note_", "    note_ --> completed : finish", "    completed --> [*]"]


def test_json_is_the_resolved_definition_with_its_version(gnk: Definition) -> None:
    data = resolved(gnk)
    assert data["version"] == gnk.version
    assert data["extends"] == "kommune" and "application" in data["phases"] and "inventory" in data["phases"]
    again = Definition.model_validate({k: v for k, v in json.loads(json.dumps(data)).items() if k != "version"})
    assert again.version == gnk.version
