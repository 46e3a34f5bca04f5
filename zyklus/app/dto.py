"""What the door returns: typed, serialisable results (pydantic), the same for every interface.

``model_dump(mode="json")`` of a DTO is what ``--json`` prints and what the REST API will return:
field names are stable, dates are ISO 8601 (``2027-03-15``), moments ISO 8601 with offset.
Labels (phase names, guard messages) are in the language the caller asked for; codes (``phase``,
``fact``, ``role``) never change with the language, so a client can act on them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DTO(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    def as_json(self) -> Any:
        """The JSON form: what ``--json`` prints and the API returns."""
        return self.model_dump(mode="json")



# -- accounts -------------------------------------------------------------------------------------
class AccountDTO(DTO):
    email: str
    name: str
    is_admin: bool
    language: str
    has_password: bool
    """False until the person has set a password through a mailed link."""
    advisor_states: list[str] = Field(default_factory=list)
    """The Länder (two-letter codes) whose every municipality the advisor reads."""
    advisor_ags: list[str] = Field(default_factory=list)
    """Single municipalities the advisor reads."""


class ApiTokenDTO(DTO):
    id: int
    name: str
    prefix: str
    """The token's first characters, to tell tokens apart; the token itself is shown only once."""
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

# -- municipalities and people -----------------------------------------------------------------
class MunicipalityDTO(DTO):
    ags: str
    """Amtlicher Gemeindeschlüssel, 8 digits."""
    name: str
    state: str
    """The Land, two letters (TH, NW …): its public holidays move due dates."""
    kind: str
    """gemeinde, stadt or landkreis."""
    catholic_holidays: bool
    """Whether holidays of predominantly Catholic municipalities apply (Fronleichnam in TH)."""


class PersonDTO(DTO):
    name: str
    email: str
    roles: list[str]
    counts_in: list[str]
    """The groups the person counts in: a coordinator is in the core team and the steering group too."""
    organisation: str | None
    consent_publish: bool
    """Consented to being named in published reports (GDPR Art. 6(1)(a))."""
    language: str
    """The language of this person's mails."""
    digest: bool
    """One mail a day instead of one per reminder."""


# -- status ----------------------------------------------------------------------------------
class FieldSpecDTO(DTO):
    name: str
    type: str
    required: bool
    choices: list[str]
    label: str


class UnmetGuardDTO(DTO):
    id: str
    type: str
    severity: Literal["block", "warn"]
    message: str
    fact: str | None = None
    missing: int | None = None
    """How many more facts of this type are needed (a guard on a fact)."""
    fields: list[FieldSpecDTO] = Field(default_factory=list)
    absent_fields: list[str] | None = None
    role: str | None = None
    count: int | None = None


class NextTransitionDTO(DTO):
    transition: str
    dest: str
    dest_label: str
    roles: list[str]
    ready: bool


class NextStepDTO(DTO):
    """What would satisfy an unmet condition, as data: the CLI prints it as a command, a mail as a
    line, the web app as a form or a link."""

    action: Literal["record", "add_person", "advance"]
    fact: str | None = None
    """``record``: the fact type to record."""
    fields: list[str] = Field(default_factory=list)
    """``record``: the fields still to give."""
    role: str | None = None
    """``add_person``: the role the working structures lack."""


class StatusDTO(DTO):
    ags: str
    name: str
    state: str
    cycle: int
    """The cycle's number: 1, then 2 after the first restart …"""
    cycle_status: Literal["running", "completed"]
    workflow: str
    """The workflow variant the cycle runs on (pinned: editing the file does not move it)."""
    version: str
    """The content hash of that variant's definition."""
    phase: str
    """The phase's id (language-neutral); ``completed`` once the cycle is done."""
    phase_label: str
    """The phase's name in the caller's language."""
    entered_on: dt.date
    entered_at: dt.date
    """The same day as ``entered_on`` (the field name the first CLI used); kept for scripts."""
    due_on: dt.date | None
    """The phase's deadline (moved off weekends and holidays), None for a phase without one."""
    overdue: bool
    restart_on: dt.date | None
    """When the next cycle begins (a completed cycle)."""
    lock_version: int
    """The cycle's version: a client that wants to change the cycle sends it back (If-Match)."""
    last_activity: dt.datetime | None = None
    """When the cycle's latest history entry was written (UTC): a start, a fact, a transition, a
    deadline moved. What an advisor scans the overview for; None where it was not read."""
    next: list[NextTransitionDTO]
    unmet: list[UnmetGuardDTO]
    """The conditions of the first transition not yet met: blocking ones first, then warnings."""
    ready: bool
    """Whether the first transition can be taken now."""
    steps: list[NextStepDTO]


class NoCycleDTO(DTO):
    """A registered municipality that has not started a cycle yet (in the overview)."""

    ags: str
    name: str
    cycle: None = None


# -- changes -----------------------------------------------------------------------------------
class CycleStartedDTO(DTO):
    ags: str
    number: int
    workflow: str
    version: str
    phase: str
    phase_label: str
    due_on: dt.date | None


class FactRecordedDTO(DTO):
    ags: str
    cycle: int
    fact: str
    label: str
    on: dt.date
    fields: dict[str, Any]
    actor: str


class GuardWarningDTO(DTO):
    id: str
    message: str


class AdvancedDTO(DTO):
    ags: str
    number: int
    source: str
    source_label: str
    dest: str
    dest_label: str
    on: dt.date
    warnings: list[GuardWarningDTO]
    next_cycle: int | None = None
    next_phase_label: str | None = None
    restart_on: dt.date | None = None


class DeadlineSetDTO(DTO):
    ags: str
    cycle: int
    phase: str
    phase_label: str
    due_on: dt.date
    previous_due_on: dt.date | None


# -- history and cycles ------------------------------------------------------------------------
class HistoryEntryDTO(DTO):
    cycle: int
    seq: int
    at: dt.datetime
    on: dt.date
    actor: str
    kind: str
    trigger: str | None
    from_: str | None = Field(alias="from")
    to: str | None
    from_label: str | None
    to_label: str | None
    fact_label: str | None
    reason: str | None
    details: dict[str, Any]

    model_config = ConfigDict(frozen=True, populate_by_name=True, use_attribute_docstrings=True)

    def as_json(self) -> Any:
        return self.model_dump(mode="json", by_alias=True)


class CycleSummaryDTO(DTO):
    number: int
    workflow: str
    version: str
    status: str
    phase: str
    phase_label: str
    started_on: dt.date
    completed_on: dt.date | None
    restart_on: dt.date | None


class CycleOutcomeDTO(CycleSummaryDTO):
    """A cycle with what it came to: running, or completed with its report published when and where."""

    outcome: str
    report_published: dict[str, Any] | None


# -- the action programme ------------------------------------------------------------------------
class CatalogueEntryDTO(DTO):
    id: str
    name: str
    sdg: int
    unit: str
    direction: str
    decimals: int
    definition: str | None
    source: str | None


class YearValueDTO(DTO):
    year: int
    value: float


class IndicatorValueDTO(YearValueDTO):
    source: str | None
    recorded_by: str
    recorded_at: dt.datetime


class IndicatorDTO(DTO):
    id: str
    name: str
    sdg: int
    sdg_target: str | None = None
    """The SDG sub-target it measures, e.g. "7.2"."""
    unit: str
    decimals: int
    direction: str
    band: tuple[float, float] | None
    baseline: YearValueDTO | None
    targets: list[YearValueDTO]
    source: str | None
    theme_field: str | None
    goal: str | None
    catalogue_id: str | None
    values_due: str
    """MM-DD: the day each year by which the previous year's value is due."""
    values: list[IndicatorValueDTO]


GoalLevel = Literal["guideline", "strategic", "operative"]
"""The levels of the programme's tree, top down (engine.db.indicator_tables.GOAL_LEVELS)."""


class GoalDTO(DTO):
    id: str
    title: str
    theme_field: str | None
    level: GoalLevel = "strategic"
    """guideline (Leitlinie), strategic or operative."""
    parent: str | None = None
    """The id of the goal above: a strategic goal's Leitlinie, an operative goal's strategic goal."""
    target_year: int | None = None
    """The year an operative goal is to be reached by."""
    sdg: int | None = None
    """The SDG goal, 1–17."""
    sdg_target: str | None = None
    """The SDG sub-target, e.g. "7.2"."""


class MeasureDTO(DTO):
    id: str
    title: str
    goal: str | None
    theme_field: str | None
    responsible: str | None
    status: str
    status_on: dt.date
    planned_start: dt.date | None
    planned_end: dt.date | None
    started_on: dt.date | None
    finished_on: dt.date | None
    carried_over: bool
    costs: float | None = None
    """Planned costs in euros (the resource planning, with ``staff``)."""
    staff: float | None = None
    """Planned staff in full-time equivalents."""
    progress: int | None = None
    """Progress in per cent, 0–100."""
    indicators: list[str] = Field(default_factory=list)
    """The ids of the indicators the measure is meant to move."""


class RemovedDTO(DTO):
    """What a delete command removed; the history keeps its former state."""

    kind: Literal["goal", "indicator", "measure"]
    id: str


class MeasureLinkDTO(DTO):
    measure: str
    indicator: str
    linked: bool
    """True: the link now exists; False: it was removed."""


class ValueRecordedDTO(DTO):
    indicator: str
    year: int
    value: float
    unit: str
    decimals: int
    corrected: float | None
    """The value this one replaced, if the year had one."""


class TargetSetDTO(DTO):
    indicator: str
    year: int
    value: float
    decimals: int


class RatedIndicatorDTO(DTO):
    """One indicator of the evaluation, rated by the method of the German Sustainable Development
    Strategy (docs/evaluation.md)."""

    id: str
    name: str
    sdg: int
    unit: str
    direction: str
    symbol: str | None
    """The weather symbol (sun, slightly_cloudy, cloudy, thunderstorm); None: too few values."""
    method: str | None
    """Which rule rated it: the target, the direction or the hold rule."""
    current: YearValueDTO | None
    baseline: YearValueDTO | None
    target: YearValueDTO | None
    values_used: int
    average_change: float | None
    projected: float | None
    shortfall_share: float | None
    share_reached: float | None
    """The share of the way from the baseline to the target reached (1.0 = reached)."""


class MeasureSummaryDTO(DTO):
    counts: dict[str, int]
    """Measures per status (planned, in_progress, done, delayed, dropped)."""
    total: int
    overdue: list[str]
    """Open measures whose planned end has passed (their ids)."""
    delayed: list[str]
    dropped: list[str]


class PhaseVisitDTO(DTO):
    phase: str
    label: str
    entered_on: dt.date | None
    planned_end: dt.date | None
    left_on: dt.date | None
    days_late: int | None
    """Days after the planned end the phase was left (negative: early); None while open."""


class EvaluationDTO(DTO):
    """`zyklus evaluate --json`: the ratings, the measures and the phase timeline of a cycle
    (docs/evaluation.md explains every number). People are not in it."""

    ags: str
    cycle: int
    workflow: str
    version: str
    status: str
    reference_year: int | None
    indicators: list[RatedIndicatorDTO]
    measures: MeasureSummaryDTO
    timeline: list[PhaseVisitDTO]


# -- workflow variants -------------------------------------------------------------------------
class ProblemDTO(DTO):
    file: str
    path: str
    code: str
    """What is wrong as a stable key (``definition.unknown_phase``, ``schema.unknown_key.close``),
    the same in every language: what a client acts on."""
    params: dict[str, Any]
    """The values the message names (``path``, ``value``, ``phase`` …); a nested message, such as
    the reason inside ``definition.never_met``, is again ``{"code": …, "params": …}``."""
    message: str
    """The message in the caller's language."""
    severity: Literal["error", "warning"]
    line: str
    """The problem as one line, ``file: key.path: message``, in the caller's language."""


class ValidationDTO(DTO):
    file: str
    valid: bool
    name: str | None
    version: str | None
    problems: list[ProblemDTO]


class WorkflowDTO(DTO):
    name: str
    label: str | None
    extends: str | None
    version: str | None
    valid: bool
    source: str
    """``shipped``, or the administrator's folder the file is in."""
    path: str
    stored: list[dict[str, Any]] | None
    """The versions in the database with their running cycles; None without a database."""


class MigrationDTO(DTO):
    workflow: str
    to_version: str
    on: dt.date
    map: dict[str, str]
    cycles: list[dict[str, Any]]
    dry_run: bool
    moved: int


# -- reminders and mail --------------------------------------------------------------------------
class SweepReportDTO(DTO):
    """One sweep: what it claimed, queued, skipped (and why), restarted, digested, delivered,
    cleared by retention, and every reminder, restart or digest that failed."""

    now: dt.datetime
    claimed: int
    queued: int
    superseded: int
    stale: int
    satisfied: int
    restarted: list[dict[str, Any]]
    digests: int
    delivery: dict[str, int]
    mails: list[dict[str, str]]
    """Only for a dry run: the mails it would send."""
    template_errors: list[str]
    bodies_cleared: int
    failures: list[dict[str, Any]]


class OutboxRowDTO(DTO):
    id: int
    status: str
    kind: str
    recipient: str
    subject: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    reply: str | None
    message_id: str
    sent_at: dt.datetime | None
    key: str


class MovedByDTO(DTO):
    day: dt.date
    holiday: str | None
    """The holiday's name; None for a weekend day."""


class SimulatedPhaseDTO(DTO):
    phase: str
    label: str
    start: dt.date
    due: dt.date | None
    """None for a phase without a duration (the simulation ends there)."""
    planned_due: dt.date | None
    """The due date before weekends and holidays moved it."""
    moved_by: list[MovedByDTO]


class PlannedReminderDTO(DTO):
    on: dt.date
    kind: str
    phase: str | None
    what: str
    """The phase, review or event the reminder is about, in the caller's language."""
    due_on: dt.date | None
    roles: list[str]


class RestartDTO(DTO):
    on: dt.date
    phase: str
    label: str


class SimulationDTO(DTO):
    """`zyklus workflow simulate`: one cycle's planned phases (due dates moved off weekends and
    holidays, with the days that moved them) and every reminder it would send."""

    workflow: str
    version: str
    start: dt.date
    state: str
    catholic_holidays: bool
    phases: list[SimulatedPhaseDTO]
    reminders: list[PlannedReminderDTO]
    completed_on: dt.date | None
    stopped_at: str | None
    stopped_at_label: str | None
    restart: RestartDTO | None


# -- personal data -------------------------------------------------------------------------------
class ForgottenDTO(DTO):
    email: str
    pseudonym: str
    """What the history shows instead of the address from now on."""
    compacted: bool
    """False when another process kept SQLite's write-ahead log from being emptied (it is emptied
    when the last connection closes)."""
