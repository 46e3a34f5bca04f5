"""*Programmdurchläufe*: the programme runs an advisor accompanies (an administrator sees every
run): per run the participants with their phase, due date, days overdue and open conditions, the
network conferences with how many took part, and the label's criteria.

The pages read; the run is kept with `zyklus run …` (docs/runs.md). A run the person may not see
is answered like one that does not exist, as for municipalities.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from engine.errors import NotFound
from engine.i18n import m
from zyklus.app.access import Principal
from zyklus.web.context import door, language, render, signed_in

router = APIRouter()


def _sees(principal: Principal, run: str) -> bool:
    return principal.is_admin or run in principal.advisor_runs


@router.get("/programmdurchlaeufe")
def runs_page(request: Request) -> Response:
    principal, lang = signed_in(request), language(request)
    runs = [run for run in door(request).runs.list(lang) if _sees(principal, run.run)]
    return render(request, "runs.html.j2", runs=runs)


@router.get("/programmdurchlaeufe/{run}")
def run_page(request: Request, run: str) -> Response:
    principal, lang = signed_in(request), language(request)
    if not _sees(principal, run[:100]):
        raise NotFound(m("run.unknown", lang, run=run[:100]))
    app = door(request)
    return render(request, "run.html.j2", run=app.runs.show(run, lang), status=app.runs.status(run, lang))
