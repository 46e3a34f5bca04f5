"""What the door returns: typed, serialisable results (pydantic), the same for every interface.

``model_dump(mode="json")`` of a DTO is what ``--json`` prints and what the REST API will return:
field names are stable, dates are ISO 8601 (``2027-03-15``), moments ISO 8601 with offset.
Labels (phase names, guard messages) are in the language the caller asked for; codes (``phase``,
``fact``, ``role``) never change with the language, so a client can act on them.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DTO(BaseModel):
    # defer_build: each model's validator and serialiser are built when it is first used, not when
    # this module is imported: `zyklus status` uses a handful of these models, not all of them
    # (issue 16, goal 2). Subclasses that set their own model_config inherit it. The attribute
    # docstrings become the fields' descriptions at the end of this module (_describe_fields).
    model_config = ConfigDict(frozen=True, defer_build=True)

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
    choice_labels: dict[str, str] = Field(default_factory=dict)
    """Each choice's label in the reader's language, by its stored value."""
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
    awards: list[AwardDTO] = Field(default_factory=list)
    """Labels awarded to the municipality in programme runs (filled by ``cycles.status``)."""


class NoCycleDTO(DTO):
    """A registered municipality that has not started a cycle yet (in the overview)."""

    ags: str
    name: str
    cycle: None = None


class OverviewPageDTO(DTO):
    """One page of the overview (``Cycles.overview_page``): the rows from ``offset`` on."""

    total: int
    """How many municipalities the filters leave, on every page."""
    offset: int
    """How many of them come before this page."""
    limit: int
    """The most rows a page holds; fewer on the last page, none beyond it."""
    rows: list[StatusDTO | NoCycleDTO]


class PhaseChoiceDTO(DTO):
    """A phase the overview's phase filter offers."""

    phase: str
    label: str
    """The phase's name in the caller's language."""


class OverviewChoicesDTO(DTO):
    """What the overview's filters offer among the municipalities the caller may see."""

    total: int
    """How many municipalities the caller may see, before any filter."""
    states: list[str]
    workflows: list[str]
    phases: list[PhaseChoiceDTO]
    """The phases the latest cycles are in, by label."""


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
    holiday: str | None = None
    """The public holiday the date falls on in the municipality's Land (German name): a date set
    by hand is taken as given, not moved off it like a computed one."""


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

    model_config = ConfigDict(frozen=True, populate_by_name=True)

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
    """A catalogue entry with its profile (engine/indicators/catalogue.py), names and definition
    in the reader's language."""

    id: str
    name: str
    type: str
    sdg: int
    sdg_target: str
    bnk_core: bool
    unit: str
    direction: str
    band: tuple[float, float] | None
    direction_basis: str
    decimals: int
    definition: str | None
    source: str | None
    citation: str
    citation_url: str
    unverified: str | None
    levels: list[str]
    interval: int
    publication_lag: int


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
    definition: str | None = None
    """How the indicator is computed, in words (an own indicator's, as the programme keeps it)."""
    values_due: str
    """MM-DD: the day each year by which a value is due (that of the year minus publication_lag)."""
    publication_lag: int
    """Years until the source publishes a year's value; the reminder asks for the due year minus this."""
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


class ValueCountsDTO(DTO):
    """What an import did to one indicator's values."""

    indicator: str
    added: int
    """Years the indicator had no value for."""
    changed: int
    """Years whose value or source the file corrected (each on record in the history)."""
    unchanged: int
    """Years the file gives as they are stored."""


class ValuesImportedDTO(DTO):
    file: str
    """The file's name (without its folder)."""
    added: int
    changed: int
    unchanged: int
    indicators: list[ValueCountsDTO]
    """Per indicator, in the order the file first names them."""


class ValuesExportedDTO(DTO):
    file: str
    cycle: int
    """The cycle whose indicators' values were written."""
    values: int
    """Rows written (one per indicator and year)."""
    indicators: int
    """Indicators with at least one value."""


class ReportTextDTO(DTO):
    """One of the report's own texts as it stands (``zyklus report text``)."""

    kind: str
    """leitbild, foreword, next_steps, indicator:<key> or goal:<key>"""
    text: str
    """Plain text, paragraphs separated by blank lines; empty when it was just removed."""
    actor: str
    recorded_at: dt.datetime


class InheritedValuesDTO(DTO):
    """Yearly values the municipality already had of a new indicator's key (a deleted indicator's):
    they count for the new one, so its confirmation says so."""
    id: str
    count: int
    first_year: int
    last_year: int


class IndicatorsAddedDTO(DTO):
    """Indicators adopted or added, with the earlier yearly values each key takes over."""
    ids: list[str]
    inherited: list[InheritedValuesDTO] = Field(default_factory=list)


class TargetSetDTO(DTO):
    indicator: str
    year: int
    value: float
    decimals: int


class WindowDTO(DTO):
    """The years whose values may count for a rating: the latest data year and the five before."""

    first: int
    last: int


class EarlierRatingDTO(DTO):
    """The rating the same indicator had in an earlier cycle's evaluation."""

    cycle: int
    reference_year: int
    """The year up to which that cycle's values counted (the year it completed)."""
    symbol: str | None
    """sun, light_clouds, cloud, thunderstorm; None: too few values then."""
    method: str | None
    """The rule that rated it then: target, hold, direction or band."""
    kept: bool
    """True: the rating as that cycle completed with it. False: the cycle completed before
    ratings were kept, so it was worked out again from the values known now."""


class CorrectionDTO(DTO):
    """A value of the years a completed cycle rated, recorded differently after it kept its rating."""

    year: int
    kept: float | None
    """The value the kept rating used; None: the year had none then, or it is not known (a rating
    kept before its values were, schema 0018)."""
    now: float | None
    """The value recorded now; None: removed since."""


class RatedIndicatorDTO(DTO):
    """One indicator of the evaluation, rated by the method of the German Sustainable Development
    Strategy (docs/evaluation.md)."""

    id: str
    name: str
    sdg: int
    unit: str
    direction: str
    symbol: str | None
    """The weather symbol (sun, light_clouds, cloud, thunderstorm); None: fewer than four values
    inside the window."""
    method: str | None
    """Which rule rated it: target (a target value in a year ahead), hold (a target already met or
    whose year has come), direction (no target) or band (two values to hold, the worse counts)."""
    current: YearValueDTO | None
    baseline: YearValueDTO | None
    target: YearValueDTO | None
    """The target rated against: the nearest target year not yet past, else the latest."""
    values_used: int
    """How many values lie inside the window (rated from four on)."""
    years_used: list[int]
    """The years of those values."""
    window: WindowDTO | None
    """The six years whose values may count; None without any value."""
    average_change: float | None
    projected: float | None
    shortfall_share: float | None
    share_reached: float | None
    """The share of the way from the baseline to the target reached (1.0 = reached)."""
    earlier: list[EarlierRatingDTO]
    """The ratings of this indicator at the end of each earlier cycle, oldest first."""
    kept: bool
    """True: a completed cycle's rating as it was kept when the cycle completed, whatever was
    corrected since (the figures too, when its values were kept: docs/evaluation.md)."""
    corrected_since: list[CorrectionDTO]
    """The values of the years it rated that are recorded differently now (kept ratings only)."""
    corrected_note: str | None
    """Those corrections in one line in the caller's language („seitdem korrigiert: …“)."""


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
class RestartedDTO(DTO):
    ags: str
    cycle: int
    """The number of the cycle that began."""


class SweepFailureDTO(DTO):
    """A reminder, restart or digest that raised in the sweep (the others went on)."""

    what: Literal["reminder", "restart", "digest"]
    error: str
    """The error in one line, secrets masked."""
    ags: str | None = None
    cycle_id: int | None = None
    id: int | None = None
    """The reminder's id (`zyklus timers retry ID`); None for a restart or a digest."""
    recipient: str | None = None
    """A digest's recipient."""
    mails: int | None = None
    """How many mails a failed digest sends one by one instead."""
    kind: str | None = None
    """A reminder's kind and rule."""
    rule: str | None = None
    attempts: int | None = None
    retry_at: dt.datetime | None = None
    """A reminder's next attempt; None once it is given up."""


class PlannedMailDTO(DTO):
    to: str
    subject: str
    kind: str


class SweepReportDTO(DTO):
    """One sweep: what it claimed, queued, skipped (and why), restarted, digested, delivered,
    cleared by retention, and every reminder, restart or digest that failed."""

    now: dt.datetime
    claimed: int
    queued: int
    superseded: int
    stale: int
    satisfied: int
    restarted: list[RestartedDTO]
    digests: int
    delivery: dict[str, int]
    """Mails sent, to be retried and failed, by outcome."""
    mails: list[PlannedMailDTO]
    """Only for a dry run: the mails it would send."""
    template_errors: list[str]
    bodies_cleared: int
    failures: list[SweepFailureDTO]


class FailingTimerDTO(DTO):
    """A reminder that raised in a sweep (`zyklus timers`): still retrying, or given up."""

    id: int
    ags: str
    cycle: int
    phase: str
    kind: str
    rule: str | None
    fire_on: dt.date
    status: Literal["retrying", "failed"]
    attempts: int
    retry_at: dt.datetime | None
    last_error: str | None


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
class ExportedMembershipDTO(DTO):
    ags: str
    municipality: str
    name: str
    roles: list[str]
    organisation: str | None
    consent_publish: bool
    language: str
    digest: bool
    registered_at: dt.datetime


class ExportedHistoryDTO(DTO):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    ags: str
    cycle: int
    on: dt.date
    kind: str
    trigger: str | None
    from_: str | None = Field(alias="from")
    to: str | None
    reason: str | None


class ExportedFactDTO(DTO):
    ags: str
    type: str
    on: dt.date
    fields: dict[str, Any]


class ExportedMailDTO(DTO):
    id: int
    status: str
    kind: str
    subject: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class PersonExportDTO(DTO):
    """`person export EMAIL`: everything zyklus keeps about an address (GDPR Art. 15)."""

    email: str
    memberships: list[ExportedMembershipDTO]
    history: list[ExportedHistoryDTO]
    """What the person did, in every municipality (transitions, deadlines, comments …)."""
    facts_recorded: list[ExportedFactDTO]
    mails: list[ExportedMailDTO]
    """The mails to the address that the outbox still lists."""
    account: AccountDTO | None = None
    """The account of the web app and the API, if the person has one."""
    api_tokens: list[ApiTokenDTO] = Field(default_factory=list)

    def as_json(self) -> Any:
        return self.model_dump(mode="json", by_alias=True)  # history entries say "from"


class ForgottenDTO(DTO):
    email: str
    pseudonym: str
    """What the history shows instead of the address from now on."""
    compacted: bool
    """False when another process kept SQLite's write-ahead log from being emptied (it is emptied
    when the last connection closes)."""


# -- meetings ----------------------------------------------------------------------------------
class MeetingDTO(DTO):
    """A meeting of a working structure (zyklus.app.meetings)."""

    id: int
    """The meeting's number, for `meeting change ID` and the others."""
    ags: str
    cycle: int
    """The cycle it belongs to."""
    group: Literal["coordination", "core_team", "steering_group"]
    """The working structure that meets; its members (with the nesting of roles) are invited."""
    group_label: str
    """The structure's name in the caller's language."""
    starts_at: dt.datetime
    """The start in the configured time zone, with its offset."""
    duration_minutes: int
    place: str
    agenda: str
    status: Literal["planned", "held", "cancelled"]
    """held: its day has come and its attendance was recorded; what the workshop guards count."""
    status_label: str
    sequence: int
    """The calendar entry's SEQUENCE: raised by every change and by the cancellation."""
    invited: int
    """How many members of the structure are registered now (who gets an invitation)."""
    attendance: int | None
    """How many took part, named or not; None until recorded."""
    attendees: list[str]
    """Names of the registered people who took part and consented to publication."""
    minutes: str | None
    """The minutes: a link or a file reference."""
    results: str | None
    cancel_reason: str | None
    """Why it was cancelled, where the coordinator said so."""
# -- programme runs ---------------------------------------------------------------------------------
class RunParticipantDTO(DTO):
    ags: str
    name: str
    joined_on: dt.date
    left_on: dt.date | None
    """None while the municipality takes part."""


class RunEventDTO(DTO):
    event: str
    """The event's key within the run (``conference-1``)."""
    kind: str
    """``conference`` (a network conference)."""
    on: dt.date
    place: str
    topic: str
    attended: int = 0
    """Participants whose attendance is recorded."""


class RunDTO(DTO):
    run: str
    """The run's id (slug)."""
    name: str
    organiser: str
    workflow: str
    state: str = ""
    """The Land the run is held in (``TH``); empty when none was named."""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    """The run's last day: the day its label is awarded on by default."""
    award_requires: list[str]
    """The label's criteria: facts to be on record in a participant's cycle."""
    award_labels: list[str] = Field(default_factory=list)
    """The same criteria by the names the run's workflow gives them, in the caller's language."""
    participants: list[RunParticipantDTO] = Field(default_factory=list)
    events: list[RunEventDTO] = Field(default_factory=list)
    advisors: list[str] = Field(default_factory=list)
    """The advisors' e-mail addresses."""


class AttendanceDTO(DTO):
    run: str
    event: str
    ags: str
    count: int
    names: list[str]
    """Names of attendees who consented to be named."""


class RunStatusRowDTO(DTO):
    ags: str
    name: str
    phase: str | None
    """None for a participant that has not started a cycle."""
    phase_label: str | None
    due_on: dt.date | None
    overdue_days: int
    """Days past the due date; 0 when not overdue."""
    open_conditions: list[str]
    """The conditions of the next step not yet met, in the caller's language."""


class RunStatusDTO(DTO):
    run: str
    name: str
    on: dt.date
    """The day the participants are taken from (today)."""
    participants: list[RunStatusRowDTO]


class AwardCheckDTO(DTO):
    ags: str
    name: str
    awarded: bool
    """Meets the criteria: awarded now, or before (``already``)."""
    already: bool
    missing: list[str]
    """The criteria (fact ids) not on record: why it was not awarded."""
    missing_labels: list[str] = Field(default_factory=list)
    """The same criteria by the names the run's workflow gives them, in the caller's language."""


class AwardResultDTO(DTO):
    run: str
    on: dt.date
    by: str
    label: str
    checks: list[AwardCheckDTO]


class AwardCriterionDTO(DTO):
    fact: str
    label: str
    """The fact's name in the run's workflow, in the caller's language."""


class AwardChecklistDTO(DTO):
    """What an award on ``on`` would find, written nowhere: the run's criteria and each
    participant of that day checked against them (``awarded``: it meets them)."""

    run: str
    on: dt.date
    label: str
    criteria: list[AwardCriterionDTO]
    checks: list[AwardCheckDTO]


class PlannedConferenceDTO(DTO):
    """A network conference of the workflow variant's plan, dated from a run's start."""

    event: str
    """The key it gets in the run (``tagung-1``)."""
    label: str
    after_start: str
    """ISO duration from the run's start (``P2M``)."""
    on: dt.date | None
    """None when no start was given."""


class AwardDTO(DTO):
    """A label awarded to a municipality at the end of a programme run."""

    run: str
    run_name: str
    label: str
    on: dt.date
    by: str


class RunAdvisorDTO(DTO):
    run: str
    email: str
# -- OParl --------------------------------------------------------------------------------------
class OParlSourceDTO(DTO):
    ags: str
    url: str
    """The System's or Body's URL the administrator gave."""
    body_id: str
    """The OParl id (URL) of the Body that is read."""
    body_name: str
    reference: str | None
    """The paper reference (Drucksache) expected besides the title keywords."""
    last_sync_at: dt.datetime | None
    """When the last successful sync began; the next asks for what changed since."""
    last_error: str | None
    """Why the last sync failed, in the language of whoever ran it; None after a successful one."""
    objects: int
    """OParl objects stored (papers, meetings, agenda items, consultations, organizations)."""
    open_candidates: int


class OParlSyncDTO(DTO):
    ags: str
    ok: bool
    error: str | None
    """One line in the caller's language when the sync failed (nothing was stored then)."""
    created: int
    updated: int
    deleted: int
    """Objects the server reported deleted (``deleted: true``)."""
    unchanged: int
    """Objects the server sent again with nothing changed."""
    new_candidates: int
    changed_candidates: int
    """Open candidates whose paper changed (a result arrived) or was deleted."""


class OParlCandidateDTO(DTO):
    id: int
    ags: str
    cycle: int
    fact: str
    """What accepting records: council_resolution or participation_resolution."""
    status: str
    """open, accepted, dismissed or gone (the paper was deleted on the server)."""
    paper_id: str
    reference: str
    """The paper's reference (Drucksache)."""
    title: str
    matched: str
    """Why it is a candidate: ``reference`` or the title keywords found."""
    result: str
    """The agenda item's ``result`` as the council information system wrote it."""
    outcome: str
    """adopted, adopted_amended, rejected, deferred, withdrawn or unknown: only the first two may be accepted."""
    acceptable: bool
    """Its outcome opens the way (adopted or adopted_amended): only then may it be accepted."""
    resolution_text: str
    meeting_date: dt.date | None
    body_name: str
    """The deciding organization's name (the authoritative consultation's)."""
    url: str
    """The paper's web page, else its OParl URL: recorded as the fact's source."""
    created_at: dt.datetime
    decided_by: str | None


class OParlAcceptedDTO(DTO):
    candidate: OParlCandidateDTO
    fact: FactRecordedDTO
    """The fact recorded through the door, as `record` answers."""


def _describe_fields() -> None:
    """Each DTO field's attribute docstring as its description (the API schema's text), read in
    one pass over this file: what pydantic's ``use_attribute_docstrings`` does, which finds and
    parses each class's source again, 78 times — a sixth of the imports of `zyklus status`
    (issue 16, goal 2). The same rule: a field takes the docstring under its annotation in the
    class that annotates it (an inherited field its parent's), unless it has a description."""
    try:
        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    except OSError:  # installed without sources: no descriptions, as pydantic would manage
        return
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            docs[node.name] = {previous.target.id: inspect.cleandoc(statement.value.value)
                               for previous, statement in zip(node.body, node.body[1:])
                               if isinstance(previous, ast.AnnAssign) and isinstance(previous.target, ast.Name)
                               and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
                               and isinstance(statement.value.value, str)}
    for model in [value for value in globals().values() if isinstance(value, type) and issubclass(value, DTO)]:
        for name, field in model.model_fields.items():
            owner = next((cls for cls in model.__mro__ if name in vars(cls).get("__annotations__", {})), None)
            if field.description is None and owner is not None:
                field.description = docs.get(owner.__name__, {}).get(name)


_describe_fields()
