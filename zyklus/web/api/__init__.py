"""The REST API ``/api/v1`` (docs/api.md): one module per resource, every answer the door's DTOs
as ``--json`` prints them, every refusal a problem+json (RFC 9457) with the error's code."""

from __future__ import annotations

from fastapi import APIRouter

from zyklus.web.api import cycles, municipalities, operations, programme, workflows
from zyklus.web.api.common import PREFIX

router = APIRouter(prefix=PREFIX)
for _module in (municipalities, cycles, programme, workflows, operations):
    router.include_router(_module.router)
