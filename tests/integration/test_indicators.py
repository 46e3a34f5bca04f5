"""The action programme on a real SQLite file: indicators, values, measures, the evaluation and
report, and what the next cycle inherits — also when two sweeps start it at the same moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from test_engine_concurrency import race  # the same two-writer harness as for concurrent advances

from engine.clock import FixedClock
from engine.db.indicator_tables import Indicator, IndicatorTarget, Measure, MeasureEvent
from engine.db.rating_tables import KeptRating
from engine.definitions.loader import Catalog
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ZyklusError
from engine.indicators.assessment import as_json, assess
from engine.indicators.catalogue import catalogue
from engine.indicators.csv_import import ImportRejected
from engine.indicators.programme import Programme
from engine.outcomes import cycle_outcomes
from engine.report.render import render_report
from engine.report.texts import ReportTexts
from engine.service import Service
from engine_support import (AGS, COORDINATOR, NOW, STEERING_ONLY, Member, cycles, dump, make_service, record_phase,
                            setup_municipality, structure)

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

D = dt.date
KOMMUNE = ("setup", "inventory", "strategy", "council_resolution", "implementation", "evaluation")
GHG = (("2019", "8,0"), ("2020", "7,8"), ("2021", "7,5"), ("2022", "7,3"), ("2023", "7,0"), ("2024", "6,8"))
EVERY_TWO_YEARS = """
schema = 1
name = "kommune-zweijahre"
extends = "kommune"
label = { de = "Kommune, alle zwei Jahre neu", en = "Municipality, every two years" }

[restart]
phase = "inventory"
anchor = "previous_start"
after = "P2Y"
"""


def start_kommune(service: Service, workflow: str = "kommune", people: list[Member] | None = None) -> Programme:
    setup_municipality(service, people=people, start=False)
    service.start_cycle(AGS, workflow=workflow, on=D(2027, 1, 4))
    return Programme(service)


def complete_cycle(service: Service, start: dt.date = D(2027, 1, 4)) -> dt.date:
    on = start
    for phase in KOMMUNE:
        on += dt.timedelta(days=20)
        record_phase(service, phase, on=on)
        service.advance(AGS, actor=COORDINATOR, on=on)
    return on


def plan_climate(programme: Programme) -> None:
    programme.add_goal(AGS, "klima-1", title="Emissionen der Haushalte senken", theme_field="Klima und Energie",
                       actor=COORDINATOR)
    programme.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR, goal="klima-1")
    programme.set_target(AGS, "thg-haushalte", "2030", "5,5", actor=COORDINATOR)
    programme.set_baseline(AGS, "thg-haushalte", "2019", "8", actor=COORDINATOR)
    for year, value in GHG:
        programme.record(AGS, "thg-haushalte", year, value, actor=COORDINATOR)
    programme.add_measure(AGS, "m-pv", title="PV auf Schuldächern", goal="klima-1", responsible="Hochbauamt",
                          planned_end="2026-12-31", actor=COORDINATOR)
    programme.add_measure(AGS, "m-rad", title="Radwegenetz", theme_field="Mobilität", actor=COORDINATOR)
    programme.add_measure(AGS, "m-alt", title="Altes Projekt", theme_field="Mobilität", actor=COORDINATOR)
    programme.set_measure_status(AGS, "m-pv", "delayed", on="2027-01-02", note="Förderbescheid fehlt",
                                 actor=COORDINATOR)
    programme.set_measure_status(AGS, "m-alt", "done", on="2027-01-03", actor=COORDINATOR)


def test_adopt_record_and_read_back(engine_service: Service) -> None:
    programme = start_kommune(engine_service)
    assert programme.adopt(AGS, [], actor=COORDINATOR, every=True, theme_field="Indikatoren")[:2] == [
        "kinderarmut", "altersarmut"]
    assert programme.adopt(AGS, [], actor=COORDINATOR, every=True) == []  # nothing new to adopt
    first = programme.record(AGS, "kinderarmut", "2025", "12,5", actor=COORDINATOR)
    assert first.corrected is None and first.value.source == first.indicator.source  # the indicator's source
    second = programme.record(AGS, "kinderarmut", "2025", "12,1", actor=COORDINATOR, source="Statistik 2026")
    assert second.corrected == 12.5
    view = next(v for v in programme.indicators(AGS) if v.row.key == "kinderarmut")
    assert [(v.year, v.value, v.source, v.recorded_by) for v in view.values] == [
        (2025, 12.1, "Statistik 2026", COORDINATOR)]
    assert (view.row.sdg, view.row.unit, view.row.direction, view.row.catalogue_id, view.row.theme_field) == (
        1, "%", "decrease", "kinderarmut", "Indikatoren")


def test_adoption_copies_the_profile_a_reminder_and_the_report_need(engine_service: Service) -> None:
    """The sub-target and the publication lag of the catalogue entry go into the adopted row: the
    programme shows the sub-target, the values-due reminder asks for the year the source has out."""
    programme = start_kommune(engine_service)
    programme.adopt(AGS, ["frauenanteil-rat", "langzeitarbeitslose", "trinkwasserverbrauch"], actor=COORDINATOR)
    rows = {v.row.key: v.row for v in programme.indicators(AGS)}
    entries = catalogue()
    assert {key: (row.sdg_target, row.publication_lag) for key, row in rows.items()} == {
        key: (entries[key].profile.sdg_target, entries[key].spec.publication_lag) for key in rows}
    women = rows["frauenanteil-rat"]
    assert (women.direction, women.band_low, women.band_high) == ("band", 50.0, 50.0)
    assert rows["trinkwasserverbrauch"].publication_lag == 3 and rows["langzeitarbeitslose"].publication_lag == 1
    for year, share in ((2019, 30.0), (2024, 38.0)):
        programme.record(AGS, "frauenanteil-rat", year, share, actor=COORDINATOR)
    html = render_report(assess(engine_service, AGS, 1), "de")
    assert "Zielwert 50,0, zu erreichen und zu halten." in html  # the chart in words: a level, not a band
    assert "50,0 – 50,0" not in html and "Zielkorridor von 50,0 bis 50,0" not in html


def test_own_indicator_with_band_and_targets(engine_service: Service) -> None:
    programme = start_kommune(engine_service)
    programme.add(AGS, {"id": "wasser", "name": "Trinkwasser", "sdg": "6", "unit": "l", "direction": "band",
                        "band_low": "110", "band_high": "130", "theme_field": "Wasser"}, actor=COORDINATOR)
    programme.add(AGS, {"id": "rad", "name": "Radverkehrsanteil", "sdg": "11", "unit": "%", "direction": "increase",
                        "baseline_year": "2020", "baseline_value": "12", "targets": "2030=25 2040=35"},
                  actor=COORDINATOR)
    views = {v.row.key: v for v in programme.indicators(AGS)}
    assert views["wasser"].band == (110.0, 130.0) and views["wasser"].targets == ()
    assert views["rad"].targets == ((2030, 25.0), (2040, 35.0)) and views["rad"].baseline == (2020, 12.0)
    indicator, target = programme.set_target(AGS, "rad", "2030", "27", actor=COORDINATOR)
    assert (indicator.key, target.value) == ("rad", 27.0)
    assert programme.indicators(AGS)[-1].targets[0] == (2030, 27.0)  # replaced, not doubled


def test_bad_input_is_one_line_and_changes_nothing(engine_service: Service, engine_db: Path) -> None:
    programme = start_kommune(engine_service, people=[*structure(), Member("Sigrid", STEERING_ONLY, ("steering_group",))])
    plan_climate(programme)
    before = dump(engine_db)
    attempts = [
        (lambda: programme.add(AGS, {"id": "x", "name": "X", "sdg": "18", "unit": "%", "direction": "increase"},
                               actor=COORDINATOR), InvalidInput, "1 bis 17"),
        (lambda: programme.record(AGS, "thg-haushalte", "2999", "1", actor=COORDINATOR), InvalidInput, "Jahr"),
        (lambda: programme.record(AGS, "thg-haushalte", "2024", "NaN", actor=COORDINATOR), InvalidInput, "keine Zahl"),
        (lambda: programme.record(AGS, "gibt-es-nicht", "2024", "1", actor=COORDINATOR), NotFound, "gibt-es-nicht"),
        (lambda: programme.record("16099999", "thg-haushalte", "2024", "1", actor=COORDINATOR), NotFound, "16099999"),
        (lambda: programme.record("1605100", "thg-haushalte", "2024", "1", actor=COORDINATOR), InvalidInput, "8 Ziffern"),
        (lambda: programme.record(AGS, "thg-haushalte", "2024", "1", actor=STEERING_ONLY), PermissionDenied,
         "Kernteam"),
        (lambda: programme.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR), Conflict, "bereits"),
        (lambda: programme.adopt(AGS, ["kinderarmut", "erfunden"], actor=COORDINATOR), NotFound, "erfunden"),
        (lambda: programme.set_target(AGS, "thg-haushalte", "2019", "5", actor=COORDINATOR), InvalidInput,
         "nach dem Ausgangsjahr"),
        (lambda: programme.set_baseline(AGS, "thg-haushalte", "2031", "5", actor=COORDINATOR), InvalidInput, "Jahr"),
        (lambda: programme.set_measure_status(AGS, "m-pv", "halbfertig", actor=COORDINATOR), InvalidInput, "Stand"),
        (lambda: programme.set_measure_status(AGS, "m-nix", "done", actor=COORDINATOR), NotFound, "m-nix"),
        (lambda: programme.add_measure(AGS, "m-neu", title="Neu", actor=COORDINATOR), InvalidInput, "--goal"),
        (lambda: programme.add_measure(AGS, "m-neu", title="Neu", goal="klima-9", actor=COORDINATOR), NotFound,
         "klima-9"),
        (lambda: programme.add_measure(AGS, "m-neu", title="Neu", theme_field="X", planned_start="2028-01-01",
                                       planned_end="2027-01-01", actor=COORDINATOR), InvalidInput, "vor dem"),
        (lambda: programme.add_goal(AGS, "klima-1", title="Doppelt", theme_field="X", actor=COORDINATOR), Conflict,
         "klima-1"),
    ]
    for attempt, error, fragment in attempts:
        with pytest.raises(error) as caught:
            attempt()
        assert fragment in caught.value.message and "\n" not in caught.value.message
    assert dump(engine_db) == before


def test_csv_import_is_all_or_nothing(engine_service: Service, engine_db: Path, tmp_path: Path) -> None:
    programme = start_kommune(engine_service)
    plan_climate(programme)
    clashing = tmp_path / "eigene.csv"
    clashing.write_text("id;name;sdg;unit;direction;goal\n"
                        "rad;Radverkehrsanteil;11;%;increase;klima-1\n"
                        "thg-haushalte;Schon da;13;t;decrease;\n"
                        "bus;Busnutzung;11;%;increase;mobil-9\n", encoding="utf-8")
    before = dump(engine_db)
    with pytest.raises(ImportRejected) as caught:
        programme.import_csv(AGS, clashing, actor=COORDINATOR)
    assert caught.value.problems[1:] == [
        "  Zeile 3, Spalte id: Den Indikator 'thg-haushalte' gibt es in Zyklus 1 von 16051000 bereits.",
        "  Zeile 4, Spalte goal: 16051000 hat in Zyklus 1 kein Ziel 'mobil-9'; anlegen mit "
        "`zyklus goal add 16051000 mobil-9 …`."]
    assert dump(engine_db) == before
    with pytest.raises(InvalidInput, match="kann nicht gelesen werden"):
        programme.import_csv(AGS, tmp_path / "fehlt.csv", actor=COORDINATOR)

    clashing.write_text("id;name;sdg;unit;direction;goal;targets\nrad;Radverkehrsanteil;11;%;increase;klima-1;2030=25\n"
                        "bus;Busnutzung;11;%;increase;;\n", encoding="utf-8")
    assert programme.import_csv(AGS, clashing, actor=COORDINATOR) == ["rad", "bus"]
    views = {v.row.key: v for v in programme.indicators(AGS)}
    assert views["rad"].goal_key == "klima-1" and views["rad"].row.theme_field == "Klima und Energie"
    assert views["rad"].targets == ((2030, 25.0),)


@pytest.fixture
def any_service(database_url: str) -> Iterator[Service]:
    """A service on SQLite and, when a server is configured, on PostgreSQL."""
    service = make_service(database_url, FixedClock(NOW))
    yield service
    service.engine.dispose()


def test_the_next_cycle_inherits_the_programme(any_service: Service) -> None:
    engine_service = any_service
    programme = start_kommune(engine_service)
    plan_climate(programme)
    complete_cycle(engine_service)
    first, second = cycles(engine_service)
    assert (second.number, second.phase, second.previous_cycle_id) == (2, "inventory", first.id)
    with Session(engine_service.engine) as session:
        old, new = (session.exec(select(Indicator).where(Indicator.cycle_id == c.id)).one() for c in (first, second))
        assert (old.baseline_year, old.baseline_value) == (2019, 8.0)  # the old cycle keeps its own
        assert (new.baseline_year, new.baseline_value) == (2019, 8.0)  # the adopted baseline carries over
        assert session.exec(select(IndicatorTarget.year, IndicatorTarget.value)
                            .where(IndicatorTarget.indicator_id == new.id)).all() == [(2030, 5.5)]
        carried = session.exec(select(Measure).where(Measure.cycle_id == second.id).order_by(Measure.id)).all()
        assert [(m.key, m.status, m.carried_from_id is not None) for m in carried] == [
            ("m-pv", "delayed", True), ("m-rad", "planned", True)]  # done "m-alt" stays behind
        assert carried[0].planned_end == D(2026, 12, 31) and carried[0].responsible == "Hochbauamt"
        events = session.exec(select(MeasureEvent).where(MeasureEvent.measure_id == carried[0].id)).all()
        assert [(e.status, e.actor, e.on) for e in events] == [("delayed", "system", second.started_on)]
    goals = programme.goals(AGS)
    assert (goals[0].key, goals[0].theme_field) == ("klima-1", "Klima und Energie")
    ids = {g.id for g in goals}  # the tree carries over: a copied goal's parent is a copy too
    assert any(g.parent_id for g in goals) and all(g.parent_id is None or g.parent_id in ids for g in goals)
    view = programme.indicators(AGS)[0]
    assert view.goal_key == "klima-1" and len(view.values) == 6  # values belong to the municipality
    # the programme of the completed cycle is history now
    assert programme.goals(AGS, 1)[0].id != goals[0].id
    with pytest.raises(NotFound):
        programme.indicators(AGS, 3)


def test_a_restart_rule_can_take_the_latest_value_as_the_new_baseline(tmp_path: Path, database_url: str) -> None:
    variants = tmp_path / "workflows"
    variants.mkdir()
    (variants / "kommune-neu.toml").write_text(EVERY_TWO_YEARS.replace('after = "P2Y"', 'baseline = "latest"')
                                               .replace("kommune-zweijahre", "kommune-neu"), encoding="utf-8")
    service = make_service(database_url, FixedClock(NOW), Catalog([variants]))
    try:
        plan_climate(start_kommune(service, "kommune-neu"))
        complete_cycle(service)
        first, second = cycles(service)
        with Session(service.engine) as session:
            old, new = (session.exec(select(Indicator).where(Indicator.cycle_id == c.id)).one() for c in (first, second))
        assert (old.baseline_year, old.baseline_value) == (2019, 8.0)
        assert (new.baseline_year, new.baseline_value) == (2024, 6.8)  # the latest value starts afresh
    finally:
        service.engine.dispose()


def test_the_share_of_target_goes_on_in_the_next_cycle_and_the_earlier_rating_is_shown(any_service: Service) -> None:
    """The carried-over baseline keeps the share where it stood (48 %, not 0 %), and cycle 2's
    evaluation shows cycle 1's rating beside its own."""
    programme = start_kommune(any_service)
    plan_climate(programme)
    complete_cycle(any_service)
    [item] = assess(any_service, AGS).indicators
    assert round(item.rating.share_reached, 2) == 0.48 and item.rating.baseline == (2019, 8.0)
    assert [(e.cycle, e.reference_year, e.symbol, e.method) for e in item.earlier] == [(1, 2027, "sun", "target")]
    assert item.rating.years == (2019, 2020, 2021, 2022, 2023, 2024) and item.rating.window == (2019, 2024)
    assert assess(any_service, AGS, 1).indicators[0].earlier == ()


def test_an_earlier_cycles_rating_is_kept_as_it_stood_when_that_cycle_completed(any_service: Service) -> None:
    """A value of cycle 1's years corrected during cycle 2 changes cycle 2's rating, not the
    rating cycle 1 completed with; a cycle without kept ratings (a database from before they were
    kept) has its rating worked out again, and says so."""
    programme = start_kommune(any_service)
    plan_climate(programme)
    complete_cycle(any_service)
    programme.record(AGS, "thg-haushalte", 2024, "9,5", actor=COORDINATOR, reason="Bilanz korrigiert")
    [item] = assess(any_service, AGS).indicators
    assert item.rating.symbol == "thunderstorm"  # emissions rose over the window after the correction
    assert [(e.cycle, e.symbol, e.method, e.kept) for e in item.earlier] == [(1, "sun", "target", True)]
    with Session(any_service.engine) as session:
        [kept] = session.exec(select(KeptRating)).all()
        assert (kept.key, kept.reference_year, kept.years) == ("thg-haushalte", 2027, [2019, 2020, 2021, 2022, 2023, 2024])
        session.delete(kept)
        session.commit()
    [item] = assess(any_service, AGS).indicators
    assert [(e.cycle, e.symbol, e.kept) for e in item.earlier] == [(1, "thunderstorm", False)]


def test_a_completed_cycles_own_evaluation_and_report_show_what_it_kept(any_service: Service) -> None:
    """Cycle 1's evaluation and report, read again after a value of its years was corrected in
    cycle 2, show the rating and the figures cycle 1 completed with (its values are kept with
    the rating), and say what was corrected since; a rating kept before its values were keeps
    its symbol and names the years recorded later."""
    programme = start_kommune(any_service)
    plan_climate(programme)
    complete_cycle(any_service)
    any_service.clock.advance(dt.timedelta(hours=1))  # type: ignore[attr-defined]
    programme.record(AGS, "thg-haushalte", 2024, "9,5", actor=COORDINATOR, reason="Bilanz korrigiert")

    then = assess(any_service, AGS, 1)
    [item] = then.indicators
    assert (item.rating.symbol, item.rating.method, item.kept) == ("sun", "target", True)
    assert item.rating.current == (2024, 6.8) and round(item.rating.share_reached, 2) == 0.48
    assert [(c.year, c.kept, c.now) for c in item.corrections] == [(2024, 6.8, 9.5)]
    [shown] = as_json(then)["indicators"]
    assert (shown["symbol"], shown["kept"], shown["corrected_since"]) == (
        "sun", True, [{"year": 2024, "kept": 6.8, "now": 9.5}])
    assert shown["corrected_note"] == "seitdem korrigiert: 2024: 6,80 → 9,50"
    html = " ".join(render_report(then, "de").split())
    assert 'class="rating rating-sun"' in html and "rating-thunderstorm" not in html
    assert "Zielerreichung</dt> <dd>48 %" in html
    assert '<dt>Seitdem korrigiert</dt> <dd class="corrected">2024: 6,80 → 9,50</dd>' in html  # said once
    assert "6,80 t CO₂e je Einwohner:in (2024)" in html
    [now] = assess(any_service, AGS).indicators  # the running cycle rates what is recorded now
    assert (now.rating.symbol, now.kept, now.corrections) == ("thunderstorm", False, ())

    with Session(any_service.engine) as session:  # as kept before schema 0018: no values
        [kept] = session.exec(select(KeptRating)).all()
        kept.series = None
        session.add(kept)
        session.commit()
    [item] = assess(any_service, AGS, 1).indicators
    assert (item.rating.symbol, item.kept) == ("sun", True) and item.rating.current == (2024, 9.5)
    assert [(c.year, c.kept, c.now, c.known) for c in item.corrections] == [(2024, None, 9.5, False)]
    assert as_json(assess(any_service, AGS, 1))["indicators"][0]["corrected_note"] == \
        "seitdem korrigiert: 2024: jetzt 9,50"


def test_the_leitbild_carries_over_and_the_cycles_own_texts_do_not(any_service: Service) -> None:
    programme = start_kommune(any_service)
    plan_climate(programme)
    texts = ReportTexts(any_service)
    texts.set(AGS, "leitbild", "Eine Stadt für alle Generationen.", actor=COORDINATOR)
    texts.set(AGS, "leitbild", "Eine Stadt für alle Generationen, klimaneutral bis 2040.", actor=COORDINATOR)
    texts.set(AGS, "foreword", "Liebe Bürgerinnen und Bürger …", actor=COORDINATOR)
    texts.set(AGS, "indicator:thg-haushalte", "Die Emissionen sinken.", actor=COORDINATOR)
    complete_cycle(any_service)
    assert [(w.kind, w.text) for w in texts.read(AGS)] == [
        ("leitbild", "Eine Stadt für alle Generationen, klimaneutral bis 2040.")]
    assert [w.kind for w in texts.read(AGS, 1)] == ["leitbild", "foreword", "indicator:thg-haushalte"]


def test_two_sweeps_at_the_restart_date_start_exactly_one_cycle_2(tmp_path: Path, database_url: str) -> None:
    variants = tmp_path / "workflows"
    variants.mkdir()
    (variants / "kommune-zweijahre.toml").write_text(EVERY_TWO_YEARS, encoding="utf-8")
    url = database_url
    first = make_service(url, FixedClock(NOW), Catalog([variants]))
    second = make_service(url, FixedClock(NOW), Catalog([variants]))
    try:
        plan_climate(start_kommune(first, "kommune-zweijahre"))
        complete_cycle(first)
        assert cycles(first)[0].restart_on == D(2029, 1, 4)  # two years after the previous start
        assert first.start_due_restarts(D(2029, 1, 3)) == []

        outcomes = race([first, second], lambda service, _: service.start_due_restarts(D(2029, 1, 4)), ["", ""])
        assert sorted(outcomes, key=len) == [[], [(AGS, 2)]]
        assert first.start_due_restarts(D(2029, 1, 5)) == second.start_due_restarts(D(2029, 1, 6)) == []
        numbers = [c.number for c in cycles(first)]
        assert numbers == [1, 2] and cycles(first)[1].started_on == D(2029, 1, 4)
        with Session(first.engine) as session:
            cycle_2 = cycles(first)[1].id
            assert len(session.exec(select(Indicator).where(Indicator.cycle_id == cycle_2)).all()) == 1
            assert len(session.exec(select(Measure).where(Measure.cycle_id == cycle_2)).all()) == 2
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_report_names_people_only_with_consent(engine_service: Service) -> None:
    people = [*structure(coordination=1, core_team=1, steering_group=2),
              Member("Petra Publik", "petra@erfurt.de", ("core_team",)),
              Member("Otto Organisation", "otto@erfurt.de", ("steering_group",))]
    programme = start_kommune(engine_service, people=people)
    with Session(engine_service.engine) as session:  # consent and organisation, as `person add` stores them
        from engine.db.tables import Person
        for person in session.exec(select(Person)):
            person.consent_publish = person.email == "petra@erfurt.de"
            person.organisation = "BUND Erfurt" if person.email == "otto@erfurt.de" else None
            session.add(person)
        session.commit()
    plan_climate(programme)
    programme.add_measure(AGS, "m-x", title='<script>alert("x")</script> Bürgerrad', theme_field="Mobilität",
                          actor=COORDINATOR)
    completed_on = complete_cycle(engine_service)

    html = render_report(assess(engine_service, AGS, 1), "de")
    assert "Petra Publik" in html and "BUND Erfurt" in html and "N.N." in html
    for hidden in ("Otto Organisation", "Koordination 0", "Kernteam 0", "Steuerung 0", "@erfurt.de"):
        assert hidden not in html
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Bürgerrad" in html
    assert "☀️" in html and "Sonne" in html and "48\xa0%" in html
    assert "8,00 t CO₂e je Einwohner:in (2019)" in html and "5,50 t CO₂e je Einwohner:in (2030)" in html
    assert html.count("<svg") == 1 and "<polyline" in html
    assert f"Zeitraum: 04.01.2027 bis {completed_on:%d.%m.%Y}" in html
    assert "Das Handlungsprogramm hat der Stadtrat am 09.03.2028 beschlossen (DS 0371/27)." in html
    assert "Veröffentlicht am 01.05.2030: Amtsblatt und Website" in html
    assert "verzögert seit 02.01.2027 · geplant bis 31.12.2026" in html and "umgesetzt am 03.01.2027" in html

    english = render_report(assess(engine_service, AGS, 1), "en")
    assert '<html lang="en">' in english and "Sun" in english and "Working structures" in english


def test_evaluation_of_a_completed_cycle_ignores_later_years(engine_service: Service) -> None:
    programme = start_kommune(engine_service)
    plan_climate(programme)
    complete_cycle(engine_service, D(2027, 1, 4))  # completes in 2027
    engine_service.clock.moment = dt.datetime(2031, 6, 1, tzinfo=dt.timezone.utc)
    programme.record(AGS, "thg-haushalte", "2030", "9,9", actor=COORDINATOR)
    earlier = assess(engine_service, AGS, 1)
    assert earlier.reference_year == 2027 and earlier.indicators[0].rating.current == (2024, 6.8)
    later = assess(engine_service, AGS, 2)
    assert later.indicators[0].rating.current == (2030, 9.9)
    assert later.summary.counts["delayed"] == 1 and [m.key for m in later.summary.overdue] == ["m-pv"]


def test_cycle_outcomes_name_the_published_report(engine_service: Service) -> None:
    start_kommune(engine_service)
    completed_on = complete_cycle(engine_service)
    first, second = cycle_outcomes(engine_service, AGS)
    assert (first["outcome"], first["completed_on"], first["version"]) == (
        "completed", completed_on.isoformat(), second["version"])
    assert first["report_published"] == {"date": "2030-05-01", "where": "Amtsblatt und Website"}
    assert (second["outcome"], second["report_published"]) == ("running", None)


def test_every_user_mistake_is_a_zyklus_error(engine_service: Service) -> None:
    programme = Programme(engine_service)
    setup_municipality(engine_service, start=False)
    with pytest.raises(ZyklusError, match="läuft kein Zyklus"):
        programme.adopt(AGS, ["kinderarmut"], actor=COORDINATOR)


def test_corrections_and_removals_are_on_record_in_the_history(engine_service: Service) -> None:
    programme = start_kommune(engine_service)
    plan_climate(programme)
    programme.record(AGS, "thg-haushalte", "2024", "6,9", actor=COORDINATOR)  # a correction of 6.8
    assert programme.delete_value(AGS, "thg-haushalte", "2023", actor=COORDINATOR).value == 7.0
    assert programme.delete_target(AGS, "thg-haushalte", "2030", actor=COORDINATOR).value == 5.5
    view = next(v for v in programme.indicators(AGS) if v.row.key == "thg-haushalte")
    assert 2023 not in [v.year for v in view.values] and view.targets == ()
    entries = [(h["kind"], h["trigger"], h["details"]) for h in engine_service.history(AGS)[-3:]]
    bisko = "Kommunale Energie- und THG-Bilanz (BISKO)"
    assert entries == [("value_corrected", "thg-haushalte", {"year": 2024, "value": 6.9, "previous": 6.8, "source": bisko,
                                                             "previous_source": bisko, "decimals": 2}),
                       ("value_deleted", "thg-haushalte", {"year": 2023, "value": 7.0, "source": bisko,
                                                           "recorded_by": COORDINATOR, "decimals": 2}),
                       ("target_deleted", "thg-haushalte", {"year": 2030, "value": 5.5, "decimals": 2})]
    with pytest.raises(NotFound):  # removed already: said, not ignored
        programme.delete_value(AGS, "thg-haushalte", "2023", actor=COORDINATOR)
    with pytest.raises(PermissionDenied):
        programme.delete_target(AGS, "thg-haushalte", "2030", actor=STEERING_ONLY)
