"""The replacement `person forget` applies to every stored text: every spelling of the address
and the names, and none of the ordinary words around them."""

from __future__ import annotations

import datetime as dt

import icalendar

from engine.events import PersonForgotten
from engine.privacy import Redaction
from notifications.ics import DeadlineItem, deadline_calendar

ANNA = "anna.koehler@erfurt.example"
REDACTION = Redaction.of(PersonForgotten(ANNA, "person-0123456789", ("Anna Köhler", "OB")))


def test_text_in_any_letter_case_and_as_html() -> None:
    assert REDACTION.text("zyklus advance 16051000 --as Anna.Koehler@Erfurt.example") == \
        "zyklus advance 16051000 --as person-0123456789"
    assert REDACTION.text("<li>ANNA KÖHLER &lt;x&gt;</li>") == "<li>person-0123456789 &lt;x&gt;</li>"


def test_a_short_name_is_not_searched_in_free_text() -> None:
    assert REDACTION.text("Büro OB, Stadtrat") == "Büro OB, Stadtrat"


def test_json_values_and_keys() -> None:
    fields = {"signed_by": "OB; i. A. Anna Köhler", "notes": ["an anna.koehler@erfurt.example"], "n": 3,
              "Anna Köhler": True}
    assert REDACTION.value(fields) == {"signed_by": "OB; i. A. person-0123456789",
                                       "notes": ["an person-0123456789"], "n": 3, "person-0123456789": True}


def test_a_calendar_line_folded_inside_the_address() -> None:
    description = f"Bitte mit zyklus record 16051000 inventory_report --as {ANNA} erfassen, gez. Anna Köhler, Koordination"
    item = DeadlineItem(uid="u@zyklus.test", sequence=0, summary="Frist", due=dt.date(2027, 4, 5),
                        description=description)
    ics = deadline_calendar([item], stamp=dt.datetime(2027, 1, 4, 8, tzinfo=dt.UTC))
    assert ANNA.encode() not in ics  # folded: no substring search would see it

    redacted = REDACTION.calendar(ics)

    event = next(iter(icalendar.Calendar.from_ical(redacted).walk("VEVENT")))
    assert str(event["DESCRIPTION"]) == ("Bitte mit zyklus record 16051000 inventory_report --as person-0123456789 "
                                         "erfassen, gez. person-0123456789, Koordination")
    assert b"koehler@" not in redacted.lower()

