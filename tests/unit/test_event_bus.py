"""The event bus delivers each event to the subscribers of its type, in the order they subscribed."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.events import CycleStarted, Deferred, DomainEvent, EventBus, PersonForgotten, PhaseEntered


def test_each_subscriber_gets_the_types_it_names_in_subscription_order() -> None:
    bus, seen = EventBus(), []
    bus.subscribe(lambda event, session: seen.append(("first", type(event).__name__)), PhaseEntered, CycleStarted)
    bus.subscribe(lambda event, session: seen.append(("erasure", type(event).__name__)), PersonForgotten)
    bus.subscribe(lambda event, session: seen.append(("last", type(event).__name__)), PhaseEntered)
    bus.publish(PhaseEntered(1, "16051000", 1, "setup", dt.date(2027, 1, 4), None), None)  # type: ignore[arg-type]
    bus.publish(PersonForgotten("a@b.example", "person-1"), None)  # type: ignore[arg-type]
    assert seen == [("first", "PhaseEntered"), ("last", "PhaseEntered"), ("erasure", "PersonForgotten")]


def test_a_subscriber_names_its_event_types() -> None:
    with pytest.raises(TypeError):
        EventBus().subscribe(lambda event, session: None)
    assert issubclass(PhaseEntered, DomainEvent)


def test_a_deferred_subscriber_is_built_on_the_first_event_once_and_keeps_its_place_and_its_types() -> None:
    """What notifications.wiring subscribes: a read that publishes nothing builds nothing."""
    bus, seen, builds = EventBus(), [], []

    def build():  # the real subscriber and the event types it handles
        builds.append("built")
        return (lambda event, session: seen.append(("deferred", type(event).__name__))), (PhaseEntered,)

    bus.subscribe(lambda event, session: seen.append(("first", type(event).__name__)), DomainEvent)
    bus.subscribe(Deferred(build), DomainEvent)
    bus.subscribe(lambda event, session: seen.append(("last", type(event).__name__)), DomainEvent)
    assert builds == []
    bus.publish(PersonForgotten("a@b.example", "person-1"), None)  # type: ignore[arg-type]
    bus.publish(PhaseEntered(1, "16051000", 1, "setup", dt.date(2027, 1, 4), None), None)  # type: ignore[arg-type]
    assert builds == ["built"]
    assert seen == [("first", "PersonForgotten"), ("last", "PersonForgotten"),
                    ("first", "PhaseEntered"), ("deferred", "PhaseEntered"), ("last", "PhaseEntered")]
