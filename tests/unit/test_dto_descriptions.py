"""A DTO field's attribute docstring is its description in the API schema (zyklus.app.dto reads
them in one pass instead of pydantic's per-class ``use_attribute_docstrings``, issue 16 goal 2)."""

from __future__ import annotations

from zyklus.app.dto import CycleOutcomeDTO, IndicatorDTO, PersonDTO


def test_a_documented_field_is_described_and_an_undocumented_one_is_not() -> None:
    properties = IndicatorDTO.model_json_schema()["properties"]
    assert properties["sdg_target"]["description"] == 'The SDG sub-target it measures, e.g. "7.2".'
    assert "description" not in properties["id"]
    assert PersonDTO.model_fields["counts_in"].description == (
        "The groups the person counts in: a coordinator is in the core team and the steering group too.")


def test_a_model_docstring_is_no_field_description() -> None:
    """The class's own docstring stands before its first field, not under one."""
    assert CycleOutcomeDTO.model_fields["outcome"].description is None
    assert CycleOutcomeDTO.model_json_schema()["description"].startswith("A cycle with what it came to")
