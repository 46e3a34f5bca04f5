"""The OpenAPI document checked into docs/openapi.json is the one the app serves."""

from __future__ import annotations

import json
from pathlib import Path

from zyklus.web.openapi import document

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
REGENERATE = ".venv/bin/python -m zyklus.web.openapi > docs/openapi.json"


def test_the_checked_in_openapi_document_is_current() -> None:
    assert json.loads(CHECKED_IN.read_text(encoding="utf-8")) == document(), (
        f"docs/openapi.json differs from the API; regenerate it with: {REGENERATE}")


def test_the_app_serves_the_same_document(client) -> None:
    served = client.get("/api/v1/openapi.json").json()
    assert served == document()
    operations = [op for path, item in served["paths"].items() if path.startswith("/api/v1") for op in item.values()]
    assert operations and all(op.get("summary") and "401" in op["responses"] for op in operations)
