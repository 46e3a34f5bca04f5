"""The overview a page at a time: the nav (previous, next, the current page marked, "Seite 2 von 3"),
sort links in the column headers that keep the filters, the per-page choice, and a caller's scope
that no page crosses; the CSV export has every row of the view, read in chunks."""

from __future__ import annotations

import csv
import io
import re

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS
from web_support import ADMIN, ADVISOR, add_places, signed_in

from zyklus.app import Application
from zyklus.web.pages import overview as page

THURINGIA = [f"160700{n:02d}" for n in range(40)]  # with Erfurt and Weimar: 42 in TH
NRW = [f"057700{n:02d}" for n in range(20)]


@pytest.fixture
def crowded(door: Application) -> Application:
    return add_places(door, THURINGIA, NRW)


def _shown(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/kommunen/(\d{8})">', html)


def _nav(html: str) -> str:
    found = re.search(r'<nav class="pager" aria-label="[^"]+">(.*?)</nav>', html, re.S)
    return found[1] if found else ""


def test_the_nav_pages_through_the_view(crowded: Application) -> None:
    client = signed_in(crowded, ADMIN)
    first = client.get("/uebersicht?sort=ags&pro_seite=25").text
    assert "62 von 62 Kommunen" in first and "Seite 1 von 3" in first
    assert 'aria-label="Seiten der Übersicht"' in first
    nav = _nav(first)
    assert 'href="/uebersicht?sort=ags&amp;pro_seite=25&amp;seite=2" rel="next"' in nav and 'rel="prev"' not in nav
    assert 'href="/uebersicht?sort=ags&amp;pro_seite=25" aria-current="page"' in nav
    middle = client.get("/uebersicht?sort=ags&pro_seite=25&seite=2").text
    assert "Seite 2 von 3" in middle and 'rel="prev"' in _nav(middle) and 'rel="next"' in _nav(middle)
    assert 'seite=2" aria-current="page"' in _nav(middle)
    last = client.get("/uebersicht?sort=ags&pro_seite=25&seite=3").text
    assert 'rel="next"' not in _nav(last) and len(_shown(last)) == 12
    everything = sorted([AGS, OTHER_AGS, *THURINGIA, *NRW])
    assert _shown(first) + _shown(middle) + _shown(last) == everything
    beyond = client.get("/uebersicht?sort=ags&pro_seite=25&seite=99").text
    assert "Seite 3 von 3" in beyond and _shown(beyond) == _shown(last)  # the last page, not an empty one


def test_sort_links_keep_the_filters_and_turn_round(crowded: Application) -> None:
    client = signed_in(crowded, ADMIN)
    html = client.get("/uebersicht?land=NW&sort=ags&pro_seite=25").text
    assert 'href="/uebersicht?land=NW&amp;pro_seite=25"' in html  # the name column: the default sort
    assert 'href="/uebersicht?land=NW&amp;sort=phase&amp;pro_seite=25"' in html
    down = client.get("/uebersicht?land=NW&sort=name&pro_seite=25").text
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="/uebersicht\?land=NW&amp;dir=desc&amp;'
                     r'pro_seite=25">', down)
    assert _shown(down) == sorted(NRW)
    turned = client.get("/uebersicht?land=NW&dir=desc&pro_seite=25").text
    assert 'aria-sort="descending"' in turned and _shown(turned) == sorted(NRW, reverse=True)
    assert "Seite 1 von 1" in turned and _nav(turned) == ""  # one page: no nav


def test_an_unknown_sort_or_page_size_is_ignored(crowded: Application) -> None:
    client = signed_in(crowded, ADMIN)
    odd = client.get("/uebersicht?sort=open&pro_seite=7&seite=zwei")
    assert odd.status_code == 200 and "Seite 1 von 2" in odd.text  # by name, 50 a page, the first
    assert len(_shown(odd.text)) == 50


def test_no_page_crosses_the_scope(crowded: Application) -> None:
    advisor = signed_in(crowded, ADVISOR)  # reads Thuringia
    seen = []
    for number in (1, 2):
        html = advisor.get(f"/uebersicht?sort=ags&dir=desc&pro_seite=25&seite={number}").text
        assert "Page %d of 2" % number in html and "42 of 42 municipalities" in html
        seen += _shown(html)
    assert sorted(seen) == sorted([AGS, OTHER_AGS, *THURINGIA])
    coordinator = signed_in(crowded, COORDINATOR)
    for query in ("", "?seite=2", "?pro_seite=25&seite=3&sort=activity", "?land=NW"):
        html = coordinator.get(f"/uebersicht{query}").text
        assert set(_shown(html)) <= {AGS} and "Weimar" not in html and "Stadt 0577" not in html


def test_the_csv_has_every_row_of_the_view_in_its_order(crowded: Application,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page, "CSV_CHUNK", 7)  # several chunks
    client = signed_in(crowded, ADMIN)
    exported = client.get("/uebersicht.csv?land=TH&sort=ags&dir=desc&seite=2")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "ags" and [row[0] for row in rows[1:]] == sorted([AGS, OTHER_AGS, *THURINGIA], reverse=True)
