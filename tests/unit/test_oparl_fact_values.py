"""What accepting a candidate records: only the fields the fact type has, ``result`` only where
the definition gives the fact such a choice, the body as the fact's choice."""

from __future__ import annotations

import datetime as dt

from engine.definitions.model import FieldSpec
from oparl.tables import OParlCandidate
from zyklus.app.oparl import _fact_values

BODY = FieldSpec(type="choice", required=True, choices=("Stadtrat", "Gemeinderat", "Kreistag"))
BASE = {"date": FieldSpec(type="date", required=True), "body": BODY, "reference": FieldSpec(required=True)}


def candidate(outcome: str = "adopted_amended", body: str = "Stadtrat Erfurt") -> OParlCandidate:
    return OParlCandidate(source_id=1, cycle_id=1, fact="council_resolution", paper_id="p", reference="DS 1/27",
                          title="t", matched="reference", outcome=outcome, meeting_date=dt.date(2027, 6, 15),
                          body_name=body, url="https://ris.example/vo/1", created_at=dt.datetime.now(dt.timezone.utc))


def test_without_a_result_field_no_result_is_set() -> None:
    assert _fact_values(BASE, candidate(), None) == {"date": "2027-06-15", "body": "Stadtrat", "reference": "DS 1/27"}


def test_a_result_choice_and_a_url_field_are_filled_where_the_fact_has_them() -> None:
    fields = {**BASE, "url": FieldSpec(type="url"),
              "result": FieldSpec(type="choice", choices=("adopted", "adopted_amended", "rejected", "deferred", "withdrawn"))}
    values = _fact_values(fields, candidate(), None)
    assert values["result"] == "adopted_amended" and values["url"] == "https://ris.example/vo/1"


def test_the_body_is_the_choice_the_name_contains_or_what_the_coordinator_names() -> None:
    assert _fact_values(BASE, candidate(body="Kreistag des Ilm-Kreises"), None)["body"] == "Kreistag"
    assert _fact_values(BASE, candidate(body="Hauptausschuss"), None)["body"] == "Hauptausschuss"  # the fact refuses it
    assert _fact_values(BASE, candidate(body="Hauptausschuss"), "Gemeinderat")["body"] == "Gemeinderat"
