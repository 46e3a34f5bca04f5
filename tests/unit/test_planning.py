"""Which reminders a phase, a review or a programme event produces, and when: pure date
arithmetic over the shipped definitions (no database, no clock), plus the retry policy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.definitions.loader import Catalog
from notifications.mail import message_id_for
from notifications.outbox import RetryPolicy
from notifications.planning import CYCLE_WIDE, plan_events, plan_phase, plan_review
from notifications.timers import fire_moment

D = dt.date
KOMMUNE = Catalog().load("kommune")
GNK = Catalog().load("gnk-thueringen")


def test_a_phase_plans_enter_before_due_and_overdue_with_escalation() -> None:
    planned = plan_phase(KOMMUNE, "setup", D(2026, 12, 15), D(2027, 3, 15), today=D(2026, 12, 15))

    assert [(p.kind, p.rule, p.occurrence, p.fire_on) for p in planned] == [
        ("enter", "enter", 1, D(2026, 12, 15)),
        ("before", "before:P30D", 1, D(2027, 2, 13)),
        ("before", "before:P14D", 1, D(2027, 3, 1)),
        ("before", "before:P3D", 1, D(2027, 3, 12)),
        ("due", "due", 1, D(2027, 3, 15)),
        ("overdue", "overdue", 1, D(2027, 3, 22)),
        ("escalation", "overdue", 2, D(2027, 3, 29)),  # 14 days after the deadline
        ("escalation", "overdue", 3, D(2027, 4, 5)),
        ("escalation", "overdue", 4, D(2027, 4, 12)),  # max = 4
    ]
    assert {p.due_on for p in planned} == {D(2027, 3, 15)}
    assert {p.roles for p in planned if p.kind != "escalation"} == {("coordination",)}
    assert {p.roles for p in planned if p.kind == "escalation"} == {("coordination", "core_team", "mayor_office")}


def test_implementation_escalates_only_after_30_days() -> None:
    planned = plan_phase(KOMMUNE, "implementation", D(2027, 1, 4), D(2029, 1, 4), today=D(2027, 1, 4))
    overdue = [(p.kind, p.fire_on) for p in planned if p.rule == "overdue"]
    assert overdue == [("overdue", D(2029, 1, 11)), ("overdue", D(2029, 1, 18)), ("overdue", D(2029, 1, 25)),
                       ("overdue", D(2029, 2, 1))]  # 28 days: never reaches the 30-day escalation


def test_reminders_before_the_phase_began_or_already_past_are_not_planned() -> None:
    # a short deadline: 30 and 14 days before would lie before the phase began
    short = plan_phase(KOMMUNE, "setup", D(2027, 3, 5), D(2027, 3, 15), today=D(2027, 3, 5))
    assert [p.rule for p in short if p.kind == "before"] == ["before:P3D"]
    # a phase recorded late (entered in January, planned in March): one mail now, then what is ahead
    late = plan_phase(KOMMUNE, "setup", D(2026, 12, 15), D(2027, 3, 15), today=D(2027, 3, 5))
    assert [(p.rule, p.fire_on) for p in late][:3] == [
        ("enter", D(2027, 3, 5)), ("before:P3D", D(2027, 3, 12)), ("due", D(2027, 3, 15))]


def test_a_phase_without_a_deadline_gets_only_its_enter_mail() -> None:
    planned = plan_phase(KOMMUNE, "setup", D(2027, 1, 4), None, today=D(2027, 1, 4))
    assert [p.kind for p in planned] == ["enter"]


def test_reviews_plan_their_first_occurrence_and_roll_on_request() -> None:
    entered = D(2027, 6, 3)
    planned = [p for p in plan_phase(KOMMUNE, "implementation", entered, D(2029, 6, 4), today=entered)
               if p.kind == "review"]
    assert sorted((p.rule, p.occurrence, p.fire_on, p.due_on) for p in planned) == [
        ("review:annual_monitoring:P30D", 1, D(2028, 5, 4), D(2028, 6, 3)),
        ("review:annual_monitoring:P7D", 1, D(2028, 5, 27), D(2028, 6, 3)),
        ("review:quarterly_review:P7D", 1, D(2027, 8, 27), D(2027, 9, 3)),
    ]
    assert {p.label_key for p in planned} == {"annual_monitoring", "quarterly_review"}
    [third] = plan_review(KOMMUNE, "implementation", "quarterly_review", entered, D(2027, 8, 27), occurrence=3)
    assert (third.occurrence, third.due_on, third.fire_on) == (3, D(2028, 3, 3), D(2028, 2, 25))
    # planned late, the first occurrence still ahead is chosen
    [upcoming] = plan_review(KOMMUNE, "implementation", "quarterly_review", entered, D(2028, 1, 10))
    assert (upcoming.occurrence, upcoming.due_on) == (3, D(2028, 3, 3))


def test_review_months_are_calendar_months() -> None:
    # entered on 30 November: quarterly on 28/29 February, 30 May, 30 August ...
    entered = D(2027, 11, 30)
    dues = [plan_review(KOMMUNE, "implementation", "quarterly_review", entered, entered, occurrence=n)[0].due_on
            for n in (1, 2, 3, 4)]
    assert dues == [D(2028, 2, 29), D(2028, 5, 30), D(2028, 8, 30), D(2028, 11, 30)]


def test_network_conferences_belong_to_the_first_cycle() -> None:
    started = D(2027, 1, 4)
    first = plan_events(GNK, 1, started, today=started)
    assert sorted({(p.label_key, p.due_on) for p in first}) == [
        ("network_conference_1", D(2027, 3, 4)), ("network_conference_2", D(2027, 9, 4)),
        ("network_conference_3", D(2028, 3, 4)), ("network_conference_4", D(2028, 9, 4))]
    assert {p.phase for p in first} == {CYCLE_WIDE} and {p.kind for p in first} == {"event"}
    assert sorted(p.fire_on for p in first if p.label_key == "network_conference_1") == [D(2027, 2, 18), D(2027, 3, 1)]
    assert plan_events(GNK, 2, D(2029, 6, 1), today=D(2029, 6, 1)) == []
    assert plan_events(KOMMUNE, 1, started, today=started) == []


def test_events_with_a_fixed_date_and_for_every_cycle(tmp_path: Path) -> None:
    (tmp_path / "mit-tagung.toml").write_text(
        'schema = 1\nname = "mit-tagung"\nextends = "kommune"\n'
        '[events.landestagung]\nlabel = "Landestagung"\non = "2027-11-18"\nbefore = ["P7D"]\n'
        'roles = ["core_team"]\nonly_cycle = 2\n', encoding="utf-8")
    definition = Catalog([tmp_path]).load("mit-tagung")

    assert plan_events(definition, 1, D(2027, 1, 4), today=D(2027, 1, 4)) == []
    [planned] = plan_events(definition, 2, D(2027, 1, 4), today=D(2027, 1, 4))
    assert (planned.fire_on, planned.due_on, planned.roles) == (D(2027, 11, 11), D(2027, 11, 18), ("core_team",))
    assert plan_events(definition, 2, D(2027, 1, 4), today=D(2027, 11, 12)) == []  # its reminder day has passed


@pytest.mark.parametrize(("day", "utc_hour"), [(D(2027, 1, 15), 6), (D(2027, 7, 15), 5)])
def test_reminders_fire_at_seven_in_the_morning_local_time(day: dt.date, utc_hour: int) -> None:
    moment = fire_moment(day, 7, ZoneInfo("Europe/Berlin"))
    assert moment == dt.datetime(day.year, day.month, day.day, utc_hour, tzinfo=dt.timezone.utc)


def test_retry_policy_doubles_and_caps() -> None:
    policy = RetryPolicy(max_attempts=8, base_seconds=300, max_seconds=3600)
    now = dt.datetime(2027, 1, 4, tzinfo=dt.timezone.utc)
    assert [(policy.next_attempt(now, n) - now).total_seconds() for n in range(1, 6)] == [300, 600, 1200, 2400, 3600]


def test_message_id_depends_on_the_key_only() -> None:
    key = "1:setup:0:before:P14D:1:anna@erfurt.de"
    assert message_id_for(key, "zyklus.test") == message_id_for(key, "zyklus.test")
    assert message_id_for(key, "zyklus.test") != message_id_for(key.replace(":0:", ":1:"), "zyklus.test")
