"""The API's OpenAPI document without a database or a server: what docs/openapi.json holds
(``python -m zyklus.web.openapi > docs/openapi.json``) and tests/web/test_api_openapi.py compares."""

from __future__ import annotations

import json
from typing import Any


def document() -> dict[str, Any]:
    """The document of the /api/v1 routes only (the pages are no API)."""
    from fastapi import FastAPI
    from fastapi.openapi.utils import get_openapi

    from zyklus.web import api

    app = FastAPI()
    app.include_router(api.router)
    return get_openapi(title="zyklus", version="1", routes=app.routes,
                       description="The REST API of zyklus (docs/api.md). Authentication: "
                                   "`Authorization: Bearer <personal API token>`.")


if __name__ == "__main__":
    print(json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=True))
