"""Domain events and the in-process bus that delivers them inside the unit of work.

Subscribers (registered by entry points, e.g. the reminder planner) receive the open session,
so what they write commits or rolls back together with the transition that caused it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session


@dataclass(frozen=True)
class DomainEvent:
    """Anything the engine tells its subscribers about."""


@dataclass(frozen=True)
class CycleEvent(DomainEvent):
    cycle_id: int
    ags: str
    number: int


@dataclass(frozen=True)
class PhaseEntered(CycleEvent):
    phase: str
    entered_on: dt.date
    due_on: dt.date | None


@dataclass(frozen=True)
class DeadlineChanged(CycleEvent):
    phase: str
    due_on: dt.date
    previous_due_on: dt.date | None


@dataclass(frozen=True)
class FactRecorded(CycleEvent):
    fact: str
    on: dt.date


@dataclass(frozen=True)
class CycleCompleted(CycleEvent):
    completed_on: dt.date
    restart_on: dt.date | None


@dataclass(frozen=True)
class CycleStarted(CycleEvent):
    previous_cycle_id: int | None
    started_on: dt.date
    baseline: str = "keep"
    """The restart rule's choice for carried-over indicators: keep the adopted baseline or take
    the latest value (engine.definitions.model.RestartRule.baseline)."""


@dataclass(frozen=True)
class DefinitionMigrated(CycleEvent):
    """A running cycle moved to another version of its workflow (`zyklus workflow migrate`);
    subscribers re-plan what they derived from the old version (reminders, programme dates)."""

    from_phase: str
    phase: str
    from_version: str
    to_version: str


@dataclass(frozen=True)
class IndicatorsAdded(CycleEvent):
    """Indicators entered the cycle's action programme (`indicator add`, `adopt`, `import`);
    subscribers plan the reminders that ask for their yearly values."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class ValuesDueChanged(CycleEvent):
    """An indicator's yearly due date moved (`indicator values-due`)."""

    key: str
    values_due: str


@dataclass(frozen=True)
class IndicatorValueRecorded(CycleEvent):
    """A yearly value was recorded (or corrected); a reminder asking for it becomes needless.
    The cycle is the municipality's latest, which may have completed (values outlive cycles)."""

    key: str
    year: int


@dataclass(frozen=True)
class IndicatorValuesImported(CycleEvent):
    """Many yearly values were recorded or corrected at once (`indicator value import`): one
    event for the whole file, since what it makes needless is looked up per cycle anyway."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class MeasureStatusChanged(CycleEvent):
    """A measure got a status: ``planned`` when it is added, then every `measure status`."""

    key: str
    status: str
    on: dt.date


@dataclass(frozen=True)
class MeetingAnnounced(CycleEvent):
    """A meeting of a working structure was planned or changed (``method`` "request") or
    cancelled ("cancel"): subscribers invite its members (engine/meetings.py)."""

    meeting_id: int
    method: str


@dataclass(frozen=True)
class PersonForgotten(DomainEvent):
    """GDPR Art. 17: subscribers remove the address and name from what they keep."""

    email: str
    pseudonym: str
    names: tuple[str, ...] = ()
    """The names the person was registered under (one per municipality, usually the same)."""


@dataclass(frozen=True)
class RunChanged(DomainEvent):
    """A programme run's dates or participants changed: subscribers re-plan the reminders of its
    events (``event_id``: one event, None: all of the run's events)."""

    run_id: int
    event_id: int | None = None


@dataclass(frozen=True)
class RunEventRemoved(DomainEvent):
    """A run's event is about to be deleted: subscribers drop what refers to it first."""

    run_id: int
    event_id: int


Subscriber = Callable[[DomainEvent, Session], None]


class EventBus:
    """Subscribers by event type, called in the order they were subscribed, inside the
    publishing unit of work (what they write commits or rolls back with the change)."""

    def __init__(self) -> None:
        self._subscribers: list[tuple[Subscriber, tuple[type[DomainEvent], ...]]] = []

    def subscribe(self, subscriber: Subscriber, *event_types: type[DomainEvent]) -> None:
        """``subscriber`` receives the events of ``event_types`` (and their subclasses) only."""
        if not event_types:
            raise TypeError("subscribe() names the event types the subscriber handles")
        self._subscribers.append((subscriber, event_types))

    def publish(self, event: DomainEvent, session: Session) -> None:
        for subscriber, event_types in self._subscribers:
            if isinstance(event, event_types):
                subscriber(event, session)


class Deferred:
    """A subscriber built when the first event reaches it, subscribed to every event in the place
    of the one it builds (so the order of subscribers stays the contract it is). A read publishes
    no event, so `zyklus status` never imports the reminder planner, the outbox or the accounts
    (issue 16, goal 2). ``build`` returns the subscriber and the event types it handles."""

    def __init__(self, build: Callable[[], tuple[Subscriber, tuple[type[DomainEvent], ...]]]) -> None:
        self._build = build
        self._built: tuple[Subscriber, tuple[type[DomainEvent], ...]] | None = None
        self._lock = threading.Lock()  # the web app's threads may publish their first events at once

    def __call__(self, event: DomainEvent, session: Session) -> None:
        if self._built is None:
            with self._lock:
                if self._built is None:
                    self._built = self._build()
        subscriber, event_types = self._built
        if isinstance(event, event_types):
            subscriber(event, session)
