"""What a caller asks the door to change: typed commands, built at the edge from a command line,
a form or a JSON body. Dates are dates and lists are lists here; parsing text is the edge's job."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built on first use, as the DTOs


CycleVersion = tuple[int, int]
"""``(cycle number, lock_version)`` of the cycle as the caller last read it (an API client's
If-Match): a write to a cycle that has changed since is refused (VersionMismatch) in the same
transaction that would have written."""


class AddMunicipality(Command):
    ags: str
    name: str
    state: str = "TH"
    kind: str = "stadt"
    catholic_holidays: bool = False


class _PersonDetails(Command):
    """What a registration says about a person besides who they are (shared by add and update)."""

    ags: str
    email: str
    roles: list[str]
    organisation: str | None = None
    consent_publish: bool = False
    language: str = "de"
    digest: bool = False
    actor: str = "system"
    """Who registers or changes the person (the history's actor); the CLI runs as the operator."""


class AddPerson(_PersonDetails):
    name: str


class UpdatePerson(_PersonDetails):
    """Everything of a registered person that may change; name and address identify them."""


class RemovePerson(Command):
    ags: str
    email: str
    actor: str = "system"


class StartCycle(Command):
    ags: str
    workflow: str | None = None
    """None: the configured default workflow."""
    on: dt.date | None = None
    """None: today."""


class RecordFact(Command):
    ags: str
    fact: str
    actor: str
    values: dict[str, str] = Field(default_factory=dict)
    """Field values as the person gave them; the fact type's schema parses and checks them."""
    on: dt.date | None = None
    expected_version: CycleVersion | None = None


class Advance(Command):
    ags: str
    actor: str
    on: dt.date | None = None
    reason: str | None = None
    expected: str | None = None
    """The phase the caller believes the cycle is in (`--from`, a form's hidden field): a repeated
    request after the cycle moved on is refused instead of moving it a second time."""
    expected_version: CycleVersion | None = None


class SetDeadline(Command):
    ags: str
    due: dt.date
    actor: str
    reason: str
    expected_version: CycleVersion | None = None


class Comment(Command):
    ags: str
    actor: str
    text: str


# -- meetings ----------------------------------------------------------------------------------
class AddMeeting(Command):
    ags: str
    actor: str
    """A coordinator of the municipality."""
    group: str
    starts_at: dt.datetime
    """Without an offset: local time in the configured zone."""
    place: str
    agenda: str
    duration_minutes: int = 120


class ChangeMeeting(Command):
    """What is given changes; the members get an update of the calendar entry."""

    id: int
    actor: str
    starts_at: dt.datetime | None = None
    place: str | None = None
    agenda: str | None = None
    duration_minutes: int | None = None


class CancelMeeting(Command):
    id: int
    actor: str
    reason: str | None = None
    """Why, in one line: the members' cancellation mail says it."""


class RecordAttendance(Command):
    id: int
    actor: str
    count: int
    people: list[str] = Field(default_factory=list)
    """Addresses of registered people who took part (named only with their consent)."""


class RecordMinutes(Command):
    id: int
    actor: str
    reference: str
    """A link or a file reference."""


class RecordResults(Command):
    id: int
    actor: str
    text: str
# -- programme runs ---------------------------------------------------------------------------------
class AddRun(Command):
    run: str
    """The run's id (a slug: ``gnk-th-2027``)."""
    name: str
    workflow: str = "gnk-thueringen"
    organiser: str = ""
    award_requires: list[str] = Field(default_factory=list)
    """Facts a participant must have on record for the label; empty: the council resolution."""
    state: str = ""
    """The Land (``TH``); empty: none named."""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    plan_conferences: bool = False
    """Add the variant's network conferences on the days its plan gives from ``starts_on``."""


class JoinRun(Command):
    run: str
    ags: str
    on: dt.date


class LeaveRun(Command):
    run: str
    ags: str
    on: dt.date


class AddRunEvent(Command):
    """A new event of the run, or a change of the one with this ``event`` key."""

    run: str
    event: str
    on: dt.date
    place: str = ""
    topic: str = ""


class RecordEventAttendance(Command):
    run: str
    event: str
    ags: str
    count: int
    names: list[str] = Field(default_factory=list)
    """Only people who consented to be named; ``count`` includes everyone."""


class AwardRun(Command):
    run: str
    on: dt.date
    by: str | None = None
    """The awarding organisation; default the run's organiser."""
    actor: str = "system"


class AddRunAdvisor(Command):
    run: str
    email: str


class RemoveRunAdvisor(Command):
    """The account stays; only its scope naming the run goes."""

    run: str
    email: str
class AddOParlSource(Command):
    """A municipality's council information system (`zyklus oparl add`); adding again replaces it."""

    ags: str
    url: str
    """The OParl System's or Body's URL."""
    body_id: str | None = None
    """Which Body of a System that lists several (its id, shortName or name)."""
    reference: str | None = None
    """The paper reference (Drucksache) expected, matched besides the title keywords."""


class DecideCandidate(Command):
    """Accept or dismiss a candidate found by the OParl sync."""

    ags: str
    candidate_id: int
    actor: str
    body: str | None = None
    """On accepting: the body as the fact's choice names it, when the server's name says none."""
