"""What a real installation meets over the years: files that change or vanish, keys typed wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.definitions.loader import Catalog
from engine.errors import InvalidInput
from engine_support import AGS, COORDINATOR, PHASES, START, cycles, make_service, record_phase, \
    setup_municipality


def test_the_next_cycle_continues_on_the_pinned_version_when_the_workflow_file_is_gone(tmp_path, engine_clock,
                                                                                      database_url) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    variant = folder / "eigene.toml"
    variant.write_text('name = "eigene"\nextends = "kommune"\n', encoding="utf-8")
    service = make_service(database_url, engine_clock, Catalog([folder]))
    setup_municipality(service, start=False)
    service.start_cycle(AGS, workflow="eigene", on=START)
    on = START
    for phase in PHASES[1:-1]:
        on += dt.timedelta(days=30)
        record_phase(service, phase, on=on)
        service.advance(AGS, actor=COORDINATOR, on=on)
    record_phase(service, "evaluation", on=on)
    variant.unlink()  # an administrator removed (or broke) the file while the cycle ran

    result = service.advance(AGS, actor=COORDINATOR, on=on)

    assert (result.dest, result.next_cycle) == ("completed", 2)
    first, second = cycles(service)
    assert second.definition_id == first.definition_id  # the same pinned version carries on
    assert second.phase == "inventory"  # kommune's restart phase, from the pinned definition


@pytest.mark.parametrize("ags, state", [("05315000", "TH"), ("16051000", "NW"), ("09162000", "BW")])
def test_an_ags_from_another_land_is_refused(engine_service, ags: str, state: str) -> None:
    with pytest.raises(InvalidInput, match=f"gehört nicht zu {state}"):
        engine_service.add_municipality(ags, "Irgendwo", state=state, kind="stadt")
    assert engine_service.municipalities() == []


def test_an_ags_of_its_own_land_is_accepted(engine_service) -> None:
    engine_service.add_municipality("05315000", "Köln", state="NW", kind="stadt")
    assert [m.ags for m in engine_service.municipalities()] == ["05315000"]


def test_a_ten_megabyte_field_value_is_refused_and_nothing_is_written(engine_service, engine_db) -> None:
    from engine_support import dump

    setup_municipality(engine_service)
    before = dump(engine_db)
    for fact, values in (("application", {"date": "2027-01-04", "url": "https://erfurt.example/" + "x" * 10_000_000}),
                         ("workshop", {"topic": "x" * 10_000_000})):
        with pytest.raises(InvalidInput) as refused:
            engine_service.record(AGS, fact, actor=COORDINATOR, values=values)
        assert len(refused.value.message) < 300 and "\n" not in refused.value.message  # one short line
    assert dump(engine_db) == before
