"""Workflow definitions: the TOML files in ``workflows/`` loaded into validated models."""

from engine.definitions.model import Definition, FactType, FieldSpec, GuardSpec, Phase, Transition

__all__ = ["Definition", "FactType", "FieldSpec", "GuardSpec", "Phase", "Transition"]
