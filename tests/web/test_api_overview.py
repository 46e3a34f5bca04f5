"""``GET /overview`` and ``GET /municipalities`` are paged, sorted and filtered by the door in the
database: X-Total-Count and the Link header say the same as for a list cut in memory, the pages
put together are the whole listing, an unknown sort is 400 problem+json, and no page crosses the
caller's scope."""

from __future__ import annotations

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS
from web_support import ADMIN, ADVISOR, add_places

from zyklus.app import Application

API = "/api/v1"
THURINGIA = [f"160700{n:02d}" for n in range(8)]
NRW = [f"057700{n:02d}" for n in range(4)]


@pytest.fixture
def crowded(door: Application) -> Application:
    return add_places(door, THURINGIA, NRW)


def _follow(client, url: str, headers: dict[str, str]) -> tuple[set[str], list[dict]]:  # noqa: ANN001
    """Every page from ``url`` on through the rel="next" links: the totals seen and the entries."""
    totals, entries = set(), []
    while url:
        reply = client.get(url, headers=headers)
        assert reply.status_code == 200, reply.text
        totals.add(reply.headers["x-total-count"])
        entries += reply.json()
        links = [part for part in reply.headers.get("link", "").split(", ") if 'rel="next"' in part]
        url = links[0].split(">")[0].lstrip("<") if links else ""
    return totals, entries


@pytest.mark.parametrize("path", ["/overview", "/municipalities"])
def test_the_pages_together_are_the_listing(client, crowded: Application, as_user, path: str) -> None:
    headers = as_user(ADMIN)
    everything = sorted([AGS, OTHER_AGS, *THURINGIA, *NRW])
    totals, entries = _follow(client, f"{API}{path}?limit=5", headers)
    assert totals == {str(len(everything))} and [e["ags"] for e in entries] == everything
    _, down = _follow(client, f"{API}{path}?limit=4&sort=name&order=desc", headers)
    names = [e["name"] for e in down]
    assert names == sorted(names, reverse=True)
    beyond = client.get(f"{API}{path}?limit=5&offset=100", headers=headers)
    assert beyond.json() == [] and beyond.headers["x-total-count"] == str(len(everything))
    assert 'rel="next"' not in beyond.headers["link"] and "offset=9" in beyond.headers["link"]  # prev: the last page


def test_the_overview_filters_and_sorts_in_the_database(client, crowded: Application, as_user) -> None:
    headers = as_user(ADMIN)
    running = client.get(f"{API}/overview?phase=application&sort=due&order=desc", headers=headers)
    assert running.headers["x-total-count"] == "2" and {e["ags"] for e in running.json()} == {AGS, OTHER_AGS}
    assert all(e["phase"] == "application" and "unmet" in e for e in running.json())
    nrw = client.get(f"{API}/overview?state=NW&limit=2&offset=2", headers=headers)
    assert nrw.headers["x-total-count"] == "4" and [e["ags"] for e in nrw.json()] == sorted(NRW)[2:]
    assert all(e["cycle"] is None for e in nrw.json())


@pytest.mark.parametrize("path", ["/overview?sort=open", "/municipalities?sort=phase"])
def test_an_unknown_sort_is_400_problem(client, crowded: Application, as_user, path: str) -> None:
    reply = client.get(API + path, headers=as_user(ADMIN))
    assert reply.status_code == 400 and reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["code"] == "overview.sort_unknown" and "ags" in reply.json()["detail"]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "order=up"])
def test_a_bad_window_is_422(client, crowded: Application, as_user, query: str) -> None:
    reply = client.get(f"{API}/overview?{query}", headers=as_user(ADMIN))
    assert reply.status_code == 422 and reply.json()["code"] == "request.invalid"


def test_no_page_crosses_the_scope(client, crowded: Application, as_user) -> None:
    advisor = as_user(ADVISOR)  # Thuringia
    totals, entries = _follow(client, f"{API}/overview?limit=3&sort=activity&order=desc", advisor)
    assert totals == {str(2 + len(THURINGIA))} and sorted(e["ags"] for e in entries) == sorted([AGS, OTHER_AGS, *THURINGIA])
    coordinator = as_user(COORDINATOR)
    for path in ("/overview?limit=1&offset=1", "/overview?state=NW", "/municipalities?offset=1&limit=1"):
        reply = client.get(API + path, headers=coordinator)
        assert reply.json() == [] and reply.headers["x-total-count"] in ("0", "1"), path
    own = client.get(f"{API}/overview", headers=coordinator).json()
    assert [e["ags"] for e in own] == [AGS]
