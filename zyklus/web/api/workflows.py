"""``/workflows``: the installation's workflow variants and one of them resolved (the JSON form
of `zyklus workflow show --json`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zyklus.app.dto import WorkflowDTO
from zyklus.web.api.common import Caller, api_language, json_reply, problems
from zyklus.web.context import door

router = APIRouter(tags=["workflows"])
Name = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$", description="A variant's name")]
"""Only a name: the door would read a path (`x.toml`) from the server's disk."""


@router.get("/workflows", summary="The workflow variants", response_model=list[WorkflowDTO], responses=problems())
def workflows(request: Request, principal: Caller) -> Response:
    return json_reply(door(request).workflows.list(api_language(request)))


@router.get("/workflows/{name}", summary="One variant, resolved (phases, transitions, guards, facts)",
            response_model=dict[str, Any], responses=problems(404))
def workflow(request: Request, name: Name, principal: Caller) -> Response:
    return JSONResponse(door(request).workflows.show(name, "json", api_language(request)))
