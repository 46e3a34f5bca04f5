"""The shape of a workflow definition, as validated pydantic models.

A definition is data, never code: guards are named by type from the registry in
:mod:`engine.guards`, durations are ISO 8601 strings, and labels carry German and English text.
Models are frozen so a loaded definition can be shared by every cycle pinned to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationInfo,
                      field_serializer, field_validator, model_validator)

from engine.dates import Duration
from engine.definitions.schema_errors import InvalidValue
from engine.i18n import Language, m
from engine.roles import ROLES

COMPLETED = "completed"
"""Reserved destination: a transition into it completes the cycle (then the restart rule applies)."""

_ID = r"^[a-z][a-z0-9_]*$"
_MAX_MONTHS = 100 * 12
"""No duration in a council calendar is longer than a century; the cap keeps date arithmetic
(and the simulator) inside the years Python can represent."""


def _shown(value: Any, limit: int = 40) -> str:
    """A value quoted for a one-line message, cut short so a pasted paragraph stays one line."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _check_id(value: str) -> str:
    """Ids appear in commands (`zyklus record AGS FACT`), history rows and diagrams, so they are
    plain lower-case words: two ids that differ only in case or spacing would confuse everyone."""
    import re

    if not re.fullmatch(_ID, value):
        raise InvalidValue(m("definition.id_invalid", "de", value=_shown(value)))
    return value


Id = Annotated[str, AfterValidator(_check_id)]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 control characters (CR, LF, TAB …) and the Unicode line and paragraph separators."""
_CONTROL_BUT_LF = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
STORED = {"stored": True}
"""Validation context of a definition read back from the database (see :meth:`Definition.from_stored`)."""


def _checked_text(value: str, info: ValidationInfo, *, limit: int, multiline: bool) -> str:
    """Labels end up in mail subjects, calendar entries and terminal tables: one line each, of a
    sane length, so a pasted line break can never become a mail header. Descriptions may keep LF.
    A stored definition is read as it was stored, so a cycle running on an old version can still
    be shown and migrated off (its mails fail one by one in the sweep instead)."""
    if (info.context or {}).get("stored"):
        return value
    if (_CONTROL_BUT_LF if multiline else _CONTROL).search(value):
        key = "definition.text_control_multiline" if multiline else "definition.text_control"
        raise InvalidValue(m(key, "de", value=_shown(value)))
    if len(value) > limit:
        raise InvalidValue(m("definition.text_too_long", "de", length=len(value), limit=limit))
    return value


def _single_line(limit: int) -> Any:
    return lambda value, info: _checked_text(value, info, limit=limit, multiline=False)


Label = Annotated[str, AfterValidator(_single_line(200))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


class Text(_Model):
    """A label or description in any languages, keyed by language code (``de``, ``en``, ``fr`` …);
    German is required because German is the default language.

    ``en`` is a declared field and every other language an extra one, for the version hash: the
    canonical JSON of a definition written before other languages existed has always carried
    ``"en"`` (``null`` when absent), and a language a file does not use must not appear in it at
    all, so adding a French label to one workflow changes no other workflow's version."""

    model_config = ConfigDict(extra="allow", frozen=True)
    limit: ClassVar[int] = 200
    multiline: ClassVar[bool] = False

    de: str
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        return {"de": value} if isinstance(value, str) else value

    @field_validator("de", "en")
    @classmethod
    def _check_text(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _checked_text(value, info, limit=cls.limit, multiline=cls.multiline)

    @model_validator(mode="wrap")
    @classmethod
    def _languages(cls, value: Any, handler: Any, info: ValidationInfo) -> "Text":
        """Every other language is checked like German and English: a code of two or three
        letters, a text of the same kind (one line, the same length limit)."""
        text = handler(value)
        for code, other in (text.model_extra or {}).items():
            if not _LANGUAGE_CODE.fullmatch(code):
                raise InvalidValue(m("definition.language_code", "de", value=_shown(code)))
            if not isinstance(other, str):
                raise InvalidValue(m("definition.text_expected", "de", code=code, value=_shown(other)))
            _checked_text(other, info, limit=cls.limit, multiline=cls.multiline)
        return text

    def get(self, lang: str) -> str:
        """The text in ``lang``, else German."""
        if lang == "en":
            return self.en or self.de
        return (self.model_extra or {}).get(lang) or self.de


class Message(Text):
    """A guard's message: one line like a label, but a whole sentence."""

    limit: ClassVar[int] = 500


class LongText(Text):
    """A description: may span lines (LF only), nothing else invisible."""

    limit: ClassVar[int] = 2000
    multiline: ClassVar[bool] = True


def _duration(value: str) -> str:
    try:
        parsed = Duration.parse(value)
    except ValueError:
        raise InvalidValue(m("definition.duration_invalid", "de", value=_shown(value))) from None
    if parsed.years * 12 + parsed.months + parsed.days // 31 > _MAX_MONTHS:
        raise InvalidValue(m("definition.duration_century", "de", value=_shown(value)))
    return value


def _positive_duration(value: str) -> str:
    """A phase, a repetition or a review interval of zero days would never let time pass."""
    _duration(value)
    if Duration.parse(value).is_zero:
        raise InvalidValue(m("definition.duration_zero", "de", value=_shown(value)))
    return value


def _unique(values: Sequence[Any], key: Any = None) -> None:
    """Arrays list distinct things: the same reminder offset twice would plan two identical mails."""
    seen: dict[Any, Any] = {}
    for value in values:
        k = key(value) if key else value
        if k in seen and seen[k] == value:
            raise InvalidValue(m("definition.listed_twice", "de", value=_shown(value)))
        if k in seen:
            raise InvalidValue(m("definition.listed_twice_same_as", "de", value=_shown(value), same=_shown(seen[k])))
        seen[k] = value


def _unique_roles(values: tuple[str, ...]) -> tuple[str, ...]:
    _unique(values)
    return values


def _unique_durations(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        _duration(value)
    _unique(values, key=Duration.parse)
    return values


def _false_is_none(value: Any) -> Any:
    """TOML has no null: ``reminders = false`` is how a file switches reminders off."""
    return None if value is False else value


class OverdueRule(_Model):
    """Overdue reminders repeat every ``every`` up to ``max`` times; after ``escalate_after``
    they also go to ``escalate_to`` (the core team, the mayor's office)."""

    every: str = "P7D"
    max: int = Field(default=4, ge=0, le=52)
    escalate_after: str | None = None
    escalate_to: tuple[str, ...] = ()

    _check_every = field_validator("every")(_positive_duration)
    _check_escalate_to = field_validator("escalate_to")(_unique_roles)

    @field_validator("escalate_after")
    @classmethod
    def _check_after(cls, value: str | None) -> str | None:
        return None if value is None else _duration(value)


class ReviewRule(_Model):
    """A recurring review inside a phase, e.g. the quarterly monitoring review."""

    label: Text
    every: str
    first_after: str | None = None
    before: tuple[str, ...] = ()
    roles: tuple[str, ...] = ("coordination",)

    _check_every = field_validator("every")(_positive_duration)
    _check_before = field_validator("before")(_unique_durations)
    _check_roles = field_validator("roles")(_unique_roles)

    @field_validator("first_after")
    @classmethod
    def _check_first_after(cls, value: str | None) -> str | None:
        return None if value is None else _duration(value)


class Reminders(_Model):
    """When to remind about a phase's due date. Offsets are ISO durations before the due date."""

    on_enter: bool = True
    before: tuple[str, ...] = ("P30D", "P14D", "P3D")
    on_due: bool = True
    overdue: OverdueRule | None = OverdueRule()
    roles: tuple[str, ...] = ("coordination",)

    _check_before = field_validator("before")(_unique_durations)
    _check_roles = field_validator("roles")(_unique_roles)
    _overdue_off = field_validator("overdue", mode="before")(_false_is_none)

    @field_serializer("overdue")
    def _dump_overdue(self, value: OverdueRule | None) -> Any:
        return False if value is None else value.model_dump(mode="json")

    @property
    def silent(self) -> bool:
        """Whether these rules can never send a mail (nothing switched on, or nobody to tell)."""
        overdue = self.overdue is not None and self.overdue.max > 0
        return not self.roles or not (self.on_enter or self.before or self.on_due or overdue)


class Phase(_Model):
    label: Text
    description: LongText | None = None
    duration: str | None = None
    """Default time allowed for the phase; None for open-ended phases (none ships that way)."""
    reminders: Reminders | None = Reminders()
    reviews: dict[Id, ReviewRule] = {}

    _reminders_off = field_validator("reminders", mode="before")(_false_is_none)

    @field_serializer("reminders")
    def _dump_reminders(self, value: Reminders | None) -> Any:
        return False if value is None else value.model_dump(mode="json")

    @field_validator("duration")
    @classmethod
    def _check_duration(cls, value: str | None) -> str | None:
        return None if value is None else _positive_duration(value)

    @cached_property
    def duration_value(self) -> Duration | None:
        return Duration.parse(self.duration) if self.duration else None


class GuardSpec(_Model):
    """One condition of a transition; ``params`` are checked by the guard type's own model."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str
    severity: Literal["block", "warn"] = "block"
    message: Message | None = None
    note: str | None = None
    """Why the guard is there (for administrators reading the file); never shown to users."""

    @field_validator("note")
    @classmethod
    def _check_note(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _checked_text(value, info, limit=2000, multiline=True)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """What :mod:`engine.guards` works out once per loaded definition and keeps with the
        spec: the parsed parameters and each distinct verdict. A definition version is parsed
        once and shared by every cycle pinned to it, so this lives exactly as long as it does."""
        return {}


class Transition(_Model):
    trigger: str = Field(default="advance", pattern=_ID)
    source: str
    dest: str
    roles: tuple[str, ...] = ("coordination",)
    guards: dict[Id, GuardSpec] = {}

    _check_roles = field_validator("roles")(_unique_roles)


FieldType = Literal["date", "text", "integer", "number", "url", "choice", "ags_list"]
"""``ags_list``: Amtliche Gemeindeschlüssel, eight digits each (a county's member municipalities)."""


class Choice(_Model):
    """A choice with a stored value apart from its label: ``{ value = "adopted", label = { de =
    "beschlossen", en = "adopted" } }``. The value is what facts store and guards compare with,
    so it stays the same in every language. A plain string is a choice whose label is its value
    (it stays a string in the canonical JSON, so no existing definition's version changed)."""

    value: Label
    label: Text


def _choice_kind(value: Any) -> str:
    """A table is a :class:`Choice`, anything else a plain label: each problem is then reported
    once, against the kind the file meant, not once per member of the union."""
    return "[table]" if isinstance(value, (dict, Choice)) else "[text]"


ChoiceItem = Annotated[Union[Annotated[Choice, Tag("[table]")], Annotated[Label, Tag("[text]")]],
                       Discriminator(_choice_kind)]


class FieldSpec(_Model):
    type: FieldType = "text"
    required: bool = False
    label: Text | None = None
    choices: tuple[ChoiceItem, ...] = ()

    @field_validator("choices")
    @classmethod
    def _check_choices(cls, values: tuple[Choice | str, ...]) -> tuple[Choice | str, ...]:
        _unique([c.value if isinstance(c, Choice) else c for c in values])
        return values

    @model_validator(mode="after")
    def _choices_need_choice(self) -> "FieldSpec":
        if self.type == "choice" and not self.choices:
            raise InvalidValue(m("definition.choice_needs_choices", "de"))
        return self

    @property
    def choice_values(self) -> tuple[str, ...]:
        """What a fact of this field may store."""
        return tuple(c.value if isinstance(c, Choice) else c for c in self.choices)

    def choice_label(self, value: Any, lang: Language) -> str:
        """The label of a stored value in ``lang``; the value itself for a plain choice or for a
        value an older version allowed."""
        for c in self.choices:
            if isinstance(c, Choice) and c.value == value:
                return c.label.get(lang)
        return str(value)


class FactType(_Model):
    label: Text
    description: LongText | None = None
    fields: dict[Id, FieldSpec] = {}


class RestartRule(_Model):
    """Where and when the next cycle begins after a cycle completes.

    ``anchor = "completion"`` counts ``after`` from the day the cycle completed;
    ``"previous_start"`` from the day it started (e.g. a new cycle every two years).
    A restart date never lies before the completion.

    ``baseline`` says what the carried-over indicators measure progress from: ``"keep"`` (the
    default) the baseline the council adopted, so the share of target reached goes on from where
    it stands; ``"latest"`` the latest recorded value, for a programme that starts afresh.
    """

    phase: str
    anchor: Literal["completion", "previous_start"] = "completion"
    after: str = "P0D"
    baseline: Literal["keep", "latest"] = Field(default="keep", exclude_if=lambda value: value == "keep")
    """Left out of the stored definition when it is the default: this key came after versions were
    hashed, and a definition that does not use it must keep its version."""

    _check_after = field_validator("after")(_duration)

    def next_start(self, started_on: dt.date, completed_on: dt.date) -> dt.date:
        """The day the next cycle begins, for a cycle that began and completed on these days."""
        from engine.dates import add

        anchor = completed_on if self.anchor == "completion" else started_on
        return max(completed_on, add(anchor, Duration.parse(self.after)))


class DatedEvent(_Model):
    """A programme date the definition names (a network conference) with its own reminders."""

    label: Text
    on: str | None = None
    after_start: str | None = None
    before: tuple[str, ...] = ("P14D", "P3D")
    roles: tuple[str, ...] = ("coordination",)
    only_cycle: int | None = Field(default=1, ge=1)
    """Programme events belong to the programme run, i.e. the first cycle, unless set otherwise;
    ``only_cycle = false`` repeats the event in every cycle."""

    _every_cycle = field_validator("only_cycle", mode="before")(_false_is_none)
    _check_before = field_validator("before")(_unique_durations)

    @field_serializer("only_cycle")
    def _dump_only_cycle(self, value: int | None) -> int | bool:
        return False if value is None else value
    _check_roles = field_validator("roles")(_unique_roles)

    @field_validator("on", mode="before")
    @classmethod
    def _toml_date(cls, value: Any) -> Any:
        """``on = 2027-02-21`` (a TOML date) and ``on = "2027-02-21"`` mean the same day."""
        return value.isoformat() if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value

    @field_validator("on")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise InvalidValue(m("definition.date_invalid", "de", value=_shown(value))) from None
        return value

    @model_validator(mode="after")
    def _one_anchor(self) -> "DatedEvent":
        if (self.on is None) == (self.after_start is None):
            raise InvalidValue(m("definition.event_anchor", "de"))
        if self.after_start is not None:
            _duration(self.after_start)
        return self


def _within_a_year(values: tuple[str, ...]) -> tuple[str, ...]:
    """Reminders of a yearly date: one a year or more ahead would ask for a value twice."""
    _unique_durations(values)
    for value in values:
        parsed = Duration.parse(value)
        if parsed.years or parsed.months * 31 + parsed.days >= 365:
            raise InvalidValue(m("definition.within_a_year", "de", value=_shown(value)))
    return values


class Monitoring(_Model):
    """Reminders of the monitoring: each indicator's yearly value (due on the indicator's own
    day, `values_due`) and measures whose status has not changed for a while.

    In the definition like every other reminder rule, so a variant can differ (a district's
    measures move more slowly than a town's) and a cycle keeps the rules of its pinned version.
    ``values_due_before`` are offsets before the due day (``P0D``: on the day); an empty list
    switches the values reminders off. A measure that is planned, in progress or delayed and
    whose status stayed the same for ``stale_measures_after`` is reminded, again after each
    further such span; ``stale_measures_after = false`` switches that off. ``roles = []``
    switches both off."""

    values_due_before: tuple[str, ...] = ("P14D", "P0D")
    stale_measures_after: Literal[False] | str = "P180D"
    """``False`` rather than None for "off": the stored definition leaves out None values, and
    reading it back would turn the reminders on again."""
    roles: tuple[str, ...] = ("coordination",)

    _check_before = field_validator("values_due_before")(_within_a_year)
    _check_roles = field_validator("roles")(_unique_roles)

    @field_validator("stale_measures_after")
    @classmethod
    def _check_stale(cls, value: Literal[False] | str) -> Literal[False] | str:
        return value if value is False else _positive_duration(value)

    @property
    def stale_after(self) -> Duration | None:
        return None if self.stale_measures_after is False else Duration.parse(self.stale_measures_after)


class Definition(_Model):
    schema_version: int = Field(default=1, alias="schema")
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    extends: str | None = None
    label: Text
    description: LongText | None = None
    initial: str
    phases: dict[Id, Phase]
    transitions: dict[Id, Transition]
    facts: dict[Id, FactType] = {}
    restart: RestartRule | None = None
    events: dict[Id, DatedEvent] = {}
    label_award: Text | None = None
    """Text of a label awarded when the first cycle completes (GNK: „Global Nachhaltige Kommune“)."""
    monitoring: Monitoring | None = None
    """None (the shipped files) means the defaults of :class:`Monitoring`; absent rather than
    filled in, so adding the rules left every existing version's content hash as it was."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @classmethod
    def from_stored(cls, data: Any) -> "Definition":
        """A version as stored with its cycles: valid when it was stored, read back as it is."""
        return cls.model_validate(data, context=STORED)

    # -- derived views -----------------------------------------------------------------------
    @cached_property
    def canonical_json(self) -> str:
        """The resolved definition (after ``extends``) as stored with a cycle. Keys keep the file's
        order: it is meaning (the Machine tries transitions in it, status lists guards and fields
        in it), so a cycle read back from the database must see the same order as the file.
        ``None`` is kept: for ``reminders = false`` and friends it means "switched off", and a
        stored definition that dropped it would switch those reminders back on."""
        return json.dumps(self.model_dump(mode="json", by_alias=True), ensure_ascii=False, separators=(",", ":"))

    @cached_property
    def version(self) -> str:
        """Content hash: two files with the same meaning share a version, an edit makes a new one."""
        return hashlib.sha256(self.canonical_json.encode()).hexdigest()[:12]

    @property
    def monitoring_rules(self) -> Monitoring:
        return self.monitoring or Monitoring()

    def phase_label(self, phase: str, lang: Language) -> str:
        from engine.i18n import t

        if phase == COMPLETED:
            return t("phase.completed", lang)
        # A history row may name a phase an older version had (before a migration): its id then.
        return self.phases[phase].label.get(lang) if phase in self.phases else phase

    def fact_label(self, fact: str, lang: Language) -> str:
        return self.facts[fact].label.get(lang) if fact in self.facts else fact

    def transitions_from(self, phase: str, trigger: str | None = None) -> list[tuple[str, Transition]]:
        return [(tid, tr) for tid, tr in self.transitions.items()
                if tr.source == phase and (trigger is None or tr.trigger == trigger)]

    @cached_property
    def phase_order(self) -> list[str]:
        """Phases in the order a cycle meets them (breadth-first from the initial phase), then any
        unreachable ones, so listings read like the process and not like the file."""
        order: list[str] = []
        queue = [self.initial] if self.initial in self.phases else []
        while queue:
            phase = queue.pop(0)
            if phase in order:
                continue
            order.append(phase)
            queue.extend(tr.dest for _, tr in self.transitions_from(phase) if tr.dest in self.phases)
        return order + [p for p in self.phases if p not in order]


__all__ = ["COMPLETED", "ROLES", "Choice", "Definition", "DatedEvent", "FactType", "FieldSpec", "GuardSpec", "LongText",
           "Message", "Monitoring", "OverdueRule", "Phase", "Reminders", "RestartRule", "ReviewRule", "Text",
           "Transition"]
