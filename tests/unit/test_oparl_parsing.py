"""Reading what OParl servers send: free-text results, odd offsets, control characters."""

from __future__ import annotations

import datetime as dt

import pytest

from oparl import quirks
from oparl.client import type_of, with_modified_since
from oparl.results import outcome


@pytest.mark.parametrize(("text", "expected"), [
    ("beschlossen", "adopted"),
    ("Einstimmig beschlossen", "adopted"),
    ("Unverändert beschlossen", "adopted"),
    ("mehrheitlich beschlossen", "adopted"),
    ("ohne Änderungen beschlossen", "adopted"),
    ("angenommen", "adopted"),
    ("Geändert beschlossen", "adopted_amended"),
    ("mit Änderungen beschlossen", "adopted_amended"),
    ("beschlossen mit Ergänzung", "adopted_amended"),
    ("abgelehnt", "rejected"),
    ("nicht beschlossen", "rejected"),
    ("vertagt", "deferred"),
    ("Vertagung beschlossen", "deferred"),
    ("zurückgestellt", "deferred"),
    ("in den Ausschuss verwiesen", "deferred"),
    ("zurückgezogen", "withdrawn"),
    ("Kenntnis genommen", "unknown"),
    ("Empfehlung an den Stadtrat", "unknown"),
    ("", "unknown"),
    (None, "unknown"),
])
def test_free_text_results_are_read_as_outcomes(text: str | None, expected: str) -> None:
    assert outcome(text) == expected


def test_a_double_colon_offset_is_read_as_the_offset_it_means() -> None:
    assert quirks.moment("2027-06-15T17:00:00+02::00") == dt.datetime(
        2027, 6, 15, 17, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert quirks.moment("2027-06-15T15:00:00Z") == dt.datetime(2027, 6, 15, 15, tzinfo=dt.timezone.utc)
    assert quirks.moment("kein Datum") is None and quirks.moment(None) is None


def test_the_meeting_day_is_the_servers_local_day() -> None:
    assert quirks.day("2027-06-15T00:30:00+02:00") == dt.date(2027, 6, 15)  # 22:30 UTC the day before
    assert quirks.day("2027-06-15") == dt.date(2027, 6, 15)


def test_unescaped_control_characters_in_strings_are_tolerated() -> None:
    assert quirks.loads('{"name": "Zeile 1\nZeile 2\t\x01"}'.encode()) == {"name": "Zeile 1\nZeile 2\t\x01"}


def test_modified_since_is_appended_unencoded() -> None:
    since = dt.datetime(2027, 6, 20, 10, 0, 5, 123, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert with_modified_since("https://ris.example/paper", since) == \
        "https://ris.example/paper?modified_since=2027-06-20T10:00:05+02:00"
    assert with_modified_since("https://ris.example/list?body=1", since).startswith("https://ris.example/list?body=1&")


def test_only_oparl_types_count() -> None:
    assert type_of({"type": "https://schema.oparl.org/1.1/Paper"}) == "Paper"
    assert type_of({"type": "https://schema.oparl.org/1.0/Body"}) == "Body"
    assert type_of({"type": "Paper"}) == "" and type_of([]) == ""
