"""docs/json.md documents every field of every DTO the door returns."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from zyklus.app import dto

DOC = (Path(__file__).resolve().parents[2] / "docs" / "json.md").read_text(encoding="utf-8")


def documented() -> dict[str, set[str]]:
    sections = re.split(r"^### ", DOC, flags=re.M)[1:]
    return {s.split("\n", 1)[0].strip(): set(re.findall(r"^\| `([^`]+)` \|", s, flags=re.M)) for s in sections}


def test_every_dto_and_every_field_is_documented() -> None:
    shown = documented()
    models = {name: cls for name, cls in vars(dto).items()
              if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == dto.__name__
              and cls is not dto.DTO
              and name != "CycleSummaryDTO"}  # the base of CycleOutcomeDTO, never returned alone
    assert sorted(set(models) - set(shown)) == []
    missing = {name: sorted({info.alias or field for field, info in cls.model_fields.items()} - shown[name])
               for name, cls in models.items()}
    assert {name: fields for name, fields in missing.items() if fields} == {}
