"""One page of the overview (``Service.status_page``) is filtered, counted, sorted and cut in the
database: its pages, put together, are the unpaged ``status_all`` in the order asked for, ties
broken by AGS and missing values last; a page beyond the end is empty with the right total; an
unknown sort or a bad window is one clear error. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from engine.errors import InvalidInput
from engine.service import OVERVIEW_SORTS, Service
from test_status_set import GERA, JENA, KOELN, MUENCHEN, NO_CYCLE, WEIMAR, populated  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

def _oracle(service: Service, sort: str) -> Callable[[dict[str, Any]], Any]:
    """The order ``status_page`` promises, computed in Python from the statuses: the key (None
    when the row lacks it), missing values last whatever the direction."""
    today = service.today()
    states = {m.ags: m.state for m in service.municipalities()}  # a Land also without a cycle

    def value(row: dict[str, Any]) -> Any:
        if sort in ("ags", "name"):
            return row[sort]
        if sort == "state":
            return states[row["ags"]]
        if row["cycle"] is None:
            return None
        if sort == "phase":
            phases = list(service.workflow(row["workflow"]).phases)
            return phases.index(row["phase"]) if row["phase"] in phases else len(phases) + 1000
        return {"workflow": row["workflow"],
                "days": (today - dt.date.fromisoformat(row["entered_on"])).days,
                "due": row["due_on"], "overdue": int(row["overdue"]),
                "activity": row["last_activity"] and dt.datetime.fromisoformat(row["last_activity"])}[sort]
    return value


def _ordered(service: Service, rows: list[dict[str, Any]], sort: str, descending: bool) -> list[str]:
    value = _oracle(service, sort)
    by_ags = sorted(rows, key=lambda r: r["ags"])  # the tie-break, ascending in both directions
    present = [r for r in by_ags if value(r) is not None]
    missing = [r for r in by_ags if value(r) is None]
    return [r["ags"] for r in sorted(present, key=value, reverse=descending)] + [r["ags"] for r in missing]


def _all_pages(service: Service, limit: int, **query: Any) -> tuple[list[int], list[dict[str, Any]]]:
    totals, rows, offset = [], [], 0
    while True:
        total, page = service.status_page(offset=offset, limit=limit, **query)
        totals.append(total)
        if not page:
            return totals, rows
        assert len(page) <= limit
        rows += page
        offset += limit


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", OVERVIEW_SORTS)
def test_the_pages_together_are_the_overview_in_the_order_asked_for(populated: Service, sort: str,  # noqa: F811
                                                                     descending: bool) -> None:
    everything = populated.status_all()
    totals, rows = _all_pages(populated, 2, sort=sort, descending=descending)
    assert set(totals) == {len(everything)} == {9}
    assert [r["ags"] for r in rows] == _ordered(populated, everything, sort, descending)
    by_ags = {r["ags"]: r for r in everything}
    assert all(row == by_ags[row["ags"]] for row in rows)  # the same status, only for the page's rows


def test_ties_are_broken_by_ags_and_missing_values_go_last(populated: Service) -> None:  # noqa: F811
    _, rows = populated.status_page(sort="state", limit=9)
    states = [r.get("state", "TH") for r in rows]  # Eisenach, without a cycle, is in TH too
    assert states == ["BY", "NW"] + ["TH"] * 7
    assert [r["ags"] for r in rows[2:]] == sorted(r["ags"] for r in rows[2:])
    _, down = populated.status_page(sort="due", descending=True, limit=9)
    assert down[-1]["ags"] == NO_CYCLE


def test_first_middle_last_and_beyond_the_end(populated: Service) -> None:  # noqa: F811
    whole = [r["ags"] for r in populated.status_all()]
    first = populated.status_page(offset=0, limit=4)
    middle = populated.status_page(offset=4, limit=4)
    last = populated.status_page(offset=8, limit=4)
    beyond = populated.status_page(offset=40, limit=4)
    assert [t for t, _ in (first, middle, last, beyond)] == [9, 9, 9, 9]
    assert [r["ags"] for r in first[1]] == whole[:4] and [r["ags"] for r in middle[1]] == whole[4:8]
    assert [r["ags"] for r in last[1]] == whole[8:] and beyond[1] == []


@pytest.mark.parametrize(("window", "code"), [({"sort": "open"}, "overview.sort_unknown"),
                                              ({"offset": -1}, "overview.page_invalid"),
                                              ({"limit": 0}, "overview.page_invalid"),
                                              ({"limit": 501}, "overview.page_invalid")])
def test_a_bad_sort_or_window_is_one_clear_error(populated: Service, window: dict[str, Any],  # noqa: F811
                                                 code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        populated.status_page(**window)
    assert refused.value.code == code


@pytest.mark.parametrize("filters", [{"state": "TH"}, {"state": "TH", "overdue": False},
                                     {"workflow": "gnk-thueringen", "phase": "application"},
                                     {"overdue": True}, {"state": "BY", "workflow": "gnk-nrw"}])
def test_filters_combine_with_paging(populated: Service, filters: dict[str, Any]) -> None:  # noqa: F811
    expected = [r["ags"] for r in populated.status_all(**filters)]
    totals, rows = _all_pages(populated, 2, sort="name", **filters)
    assert set(totals) == {len(expected)}
    assert sorted(r["ags"] for r in rows) == sorted(expected)


def test_a_page_never_crosses_the_callers_scope(populated: Service) -> None:  # noqa: F811
    scope = [WEIMAR, JENA, GERA, KOELN]
    for sort in ("ags", "name", "activity"):
        totals, rows = _all_pages(populated, 3, ags=scope, sort=sort, descending=True)
        assert set(totals) == {4} and sorted(r["ags"] for r in rows) == sorted(scope)
    assert populated.status_page(ags=[MUENCHEN], offset=1, limit=1) == (1, [])


def test_the_filters_choices_come_from_the_scope(populated: Service) -> None:  # noqa: F811
    everything = populated.status_all()
    choices = populated.overview_choices()
    assert choices["total"] == 9 and choices["states"] == ["BY", "NW", "TH"]
    assert choices["workflows"] == sorted({r["workflow"] for r in everything if r["cycle"]})
    assert {c["phase"] for c in choices["phases"]} == {r["phase"] for r in everything if r["cycle"]}
    narrow = populated.overview_choices(ags=[KOELN, NO_CYCLE])
    assert (narrow["total"], narrow["states"], narrow["workflows"]) == (2, ["NW", "TH"], ["gnk-nrw"])
