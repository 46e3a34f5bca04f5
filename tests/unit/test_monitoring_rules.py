"""What configures the monitoring reminders: an indicator's `values_due` day and the definition's
`[monitoring]` rules; and the two mails they produce, rendered from the shipped templates."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
from pydantic import ValidationError

from engine.definitions.loader import Catalog
from engine.definitions.model import Definition, Monitoring
from engine.errors import InvalidInput
from engine.indicators.spec import SpecInvalid, parse_spec, values_due
from notifications.render import MailRenderer, RenderFailed
from notifications.template_check import MONITORING_SAMPLES, SAMPLE_COMMON

REQUIRED = {"id": "rad", "name": "Radverkehrsanteil", "sdg": "11", "unit": "%", "direction": "steigend"}


# -- values_due --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["03-31", "12-31", "01-01", " 06-30 "])
def test_a_day_of_the_year(text: str) -> None:
    assert values_due(text) == text.strip()


@pytest.mark.parametrize("text", ["02-29", "3-31", "31.03.", "13-01", "04-31", "", "03-31-2027"])
def test_not_a_day_of_every_year(text: str) -> None:
    with pytest.raises(InvalidInput) as german:
        values_due(text)
    assert german.value.message == (f"{text.strip()!r} ist kein Tag im Jahr: bitte MM-TT angeben, z. B. 03-31 für "
                                    "den 31. März (nicht 02-29).")
    with pytest.raises(InvalidInput) as english:
        values_due(text, "en")
    assert "give MM-DD" in english.value.message


def test_a_definition_may_name_its_due_day_or_leave_it_to_the_caller() -> None:
    assert parse_spec(REQUIRED).values_due is None
    assert parse_spec({**REQUIRED, "values_due": "06-30"}).values_due == "06-30"
    with pytest.raises(SpecInvalid) as invalid:
        parse_spec({**REQUIRED, "values_due": "02-29"})
    assert [field for field, _ in invalid.value.field_problems] == ["values_due"]


# -- [monitoring] ------------------------------------------------------------------------------------------
def test_shipped_files_get_the_default_rules() -> None:
    """The shipped files do not name the rules: they get the defaults, also when read back."""
    kommune = Catalog().load("kommune")
    assert kommune.monitoring is None and json.loads(kommune.canonical_json)["monitoring"] is None
    rules = kommune.monitoring_rules
    assert (rules.values_due_before, rules.stale_measures_after, rules.roles) == (("P14D", "P0D"), "P180D",
                                                                                   ("coordination",))


def _write_variant(tmp_path: Path, monitoring: str) -> Catalog:
    """The generic cycle with these [monitoring] lines, as an administrator's file."""
    text = f'schema = 1\nname = "mit-monitoring"\nextends = "kommune"\nlabel = "M"\n\n[monitoring]\n{monitoring}\n'
    (tmp_path / "mit-monitoring.toml").write_text(text, encoding="utf-8")
    return Catalog([tmp_path])


def test_switching_stale_reminders_off_survives_the_stored_copy(tmp_path: Path) -> None:
    """A cycle reads its definition back from the stored JSON: ``false`` must stay off there."""
    definition = _write_variant(tmp_path, "stale_measures_after = false").load("mit-monitoring")
    stored = Definition.model_validate_json(definition.canonical_json)
    assert stored.monitoring_rules.stale_after is None
    assert definition.monitoring_rules.stale_after is None


@pytest.mark.parametrize(("rules", "problem"), [
    ({"values_due_before": ["P1Y"]}, "a year or more"),
    ({"values_due_before": ["P12M"]}, "a year or more"),
    ({"values_due_before": ["P14D", "P2W"]}, "listed twice"),
    ({"stale_measures_after": "P0D"}, "longer than zero days"),
    ({"stale_measures_after": True}, "Input should be False"),
])
def test_rules_that_make_no_sense_are_refused(rules: dict, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Monitoring.model_validate(rules)


def test_an_unknown_role_is_a_finding_of_workflow_validate(tmp_path: Path) -> None:
    _, problems = _write_variant(tmp_path, 'roles = ["kaemmerei"]').check("mit-monitoring")
    assert [p.line("en") for p in problems if not p.warning] == [
        "mit-monitoring.toml: monitoring.roles[0]: unknown role 'kaemmerei'; roles: coordination, core_team, "
        "steering_group, mayor_office"]


# -- the mails ---------------------------------------------------------------------------------------------
@pytest.fixture
def renderer() -> MailRenderer:
    return MailRenderer(override_dir=None)


def test_missing_values_in_german(renderer: MailRenderer) -> None:
    mail = renderer.render("values_due", "de", {**SAMPLE_COMMON, **MONITORING_SAMPLES["values_due"]})
    assert mail.subject == "Indikatorwerte: 2 fehlen noch, Stichtag 15.03.2027 (Erfurt)"
    assert "Fällig seit dem 31.03.2026:\n  - Erneuerbarer Strom (ee-strom-anteil): Wert für 2025 in %\n" in mail.text
    assert "Fällig am 15.03.2027, in 14 Tagen:" in mail.text
    assert ("    zyklus indicator record 16051000 thg-haushalte 2026 WERT --as anna.koch@erfurt.example\n"
            in mail.text)
    assert "<strong>15.03.2027</strong>" in mail.html


def test_stale_measures_in_english(renderer: MailRenderer) -> None:
    mail = renderer.render("stale_measures", "en", {**SAMPLE_COMMON, **MONITORING_SAMPLES["stale_measures"]})
    assert mail.subject == "1 measure without a new status (Erfurt)"
    assert "since 1 September 2026, for 195 days; responsible: Hochbauamt" in mail.text
    assert "zyklus measure status 16051000 m-pv STATUS --as anna.koch@erfurt.example" in mail.text


def test_names_are_escaped_in_html_only(renderer: MailRenderer) -> None:
    context = {**SAMPLE_COMMON, **MONITORING_SAMPLES["stale_measures"]}
    context["measures"] = [{**context["measures"][0], "title": "Rad & Bus <sofort>"}]
    mail = renderer.render("stale_measures", "de", context)
    assert "Rad & Bus <sofort> (m-pv)" in mail.text
    assert "Rad &amp; Bus &lt;sofort&gt; (m-pv)" in mail.html and "<sofort>" not in mail.html


@pytest.mark.parametrize("template", ["values_due", "stale_measures"])
def test_a_missing_variable_is_an_error(renderer: MailRenderer, template: str) -> None:
    context = {**SAMPLE_COMMON, **MONITORING_SAMPLES[template]}
    del context["recipient_email"]
    with pytest.raises(RenderFailed) as caught:
        renderer.render(template, "de", context)
    assert isinstance(caught.value.cause, jinja2.UndefinedError)

