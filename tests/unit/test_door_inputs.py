"""The door takes typed inputs: a year is an int, a value a float, a date a date. Text as a person
typed it is read at the edges (engine/typed_input.py), so no entry point can hand the door a
string to parse in some other way — this test reads every public method of every area."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from engine import typed_input
from engine.errors import InvalidInput
from zyklus.app import Application

TYPED = {"year": "int", "value": "float", "target_year": "int", "sdg": "int", "costs": "float", "staff": "float",
         "progress": "int", "planned_start": "dt.date", "planned_end": "dt.date", "on": "dt.date",
         "due_on": "dt.date"}
"""Parameter names that always mean a number, a year or a day, and the type they take."""


def _areas() -> list[type]:
    from zyklus.app.accounts import Accounts
    from zyklus.app.cycles import Cycles
    from zyklus.app.idempotency import Idempotency
    from zyklus.app.meetings import Meetings
    from zyklus.app.oparl import OParl
    from zyklus.app.privacy import Privacy
    from zyklus.app.programme import ProgrammeArea
    from zyklus.app.reminders import Reminders
    from zyklus.app.runs import RunsArea
    from zyklus.app.workflows import Workflows

    return [Accounts, Cycles, Idempotency, Meetings, OParl, Privacy, ProgrammeArea, Reminders, RunsArea, Workflows]


def test_every_area_of_the_door_is_read() -> None:
    areas = {area.__name__ for area in _areas()}
    shown = {name for name, member in vars(Application).items() if not name.startswith("_")
             and hasattr(member, "func") and name != "service"} | {"workflows"}  # built in __init__
    assert len(shown) == len(areas), (shown, areas)


@pytest.mark.parametrize("area", _areas(), ids=lambda area: area.__name__)
def test_numbers_years_and_dates_arrive_typed(area: type) -> None:
    for name, method in inspect.getmembers(area, inspect.isfunction):
        if name.startswith("_"):
            continue
        for parameter in inspect.signature(method).parameters.values():
            wanted = TYPED.get(parameter.name)
            if wanted is None or parameter.annotation is inspect.Parameter.empty:
                continue
            accepted = {part.strip() for part in str(parameter.annotation).split("|")}
            assert "str" not in accepted, f"{area.__name__}.{name}({parameter.name}) takes text: read it at the edge"
            assert wanted in accepted, f"{area.__name__}.{name}({parameter.name}) should take {wanted}"


@pytest.mark.parametrize(("reader", "text", "lang", "expected"), [
    (typed_input.number, "4.000", "de", 4000.0),
    (typed_input.number, "4.000,5", "de", 4000.5),
    (typed_input.number, "4,000.5", "en", 4000.5),
    (typed_input.number, "−250", "de", -250.0),
    (typed_input.whole, "20", "de", 20),
    (typed_input.whole, "12,5", "de", 12.5),
    (typed_input.year, " 2024 ", "de", 2024),
    (typed_input.day, "2027-03-15", "de", dt.date(2027, 3, 15)),
    (typed_input.number, None, "de", None),
    (typed_input.year, "", "de", None),
])
def test_what_was_typed_is_read_by_one_rule(reader, text: str | None, lang: str, expected: object) -> None:  # noqa: ANN001
    assert reader(text, lang) == expected


def test_an_empty_text_clears_where_an_update_asks_for_it() -> None:
    assert typed_input.number("  ", "de", "") == "" and typed_input.day("", "de", "") == ""


@pytest.mark.parametrize(("reader", "text", "said"), [
    (typed_input.number, "4.00", "Zahl"), (typed_input.number, "1,5e3", "Zahl"), (typed_input.year, "20245", "Jahr"),
    (typed_input.day, "15.03.2027", "Datum"), (typed_input.day, "2027-02-30", "Datum"),
])
def test_a_bad_text_is_refused_at_the_edge_in_one_line(reader, text: str, said: str) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInput) as refused:
        reader(text, "de")
    assert said in str(refused.value) and "\n" not in str(refused.value)
