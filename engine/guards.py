"""The registry of guard types a definition may name, each a pure function of a snapshot.

A definition says ``type = "fact_count"`` with parameters; the matching entry here checks the
parameters when the definition loads and evaluates them against a :class:`CycleSnapshot`.
Adding a guard type means adding one class here; definitions never contain code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from collections.abc import Hashable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.definitions.model import Definition, GuardSpec
from engine.definitions.schema_errors import InvalidValue
from engine.i18n import Language, Message, format_date, m, people, t
from engine.roles import ROLES, STRUCTURES
from engine.snapshot import CycleSnapshot


@dataclass(frozen=True)
class GuardResult:
    """The outcome of one guard, with enough detail for `status` to say what to do next."""

    id: str
    type: str
    severity: str
    ok: bool
    message: str
    fact: str | None = None
    missing: int = 0
    fields: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "severity": self.severity, "ok": self.ok,
                "message": self.message, "fact": self.fact, "missing": self.missing,
                "fields": list(self.fields), **({"details": self.details} if self.details else {})}


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GuardType(ABC):
    """Base of all guard types: a parameter model and a pure evaluation in two steps. ``observe``
    takes from the snapshot the little the guard looks at (a count, the fields still absent);
    ``judge`` turns that into the verdict and its message. The verdict depends on nothing else,
    so thousands of cycles that show the same (the overview of every municipality) share one
    judgement (``engine.status.Progress``)."""

    name: ClassVar[str]
    Params: ClassVar[type[_Params]]

    @abstractmethod
    def observe(self, p: Any, snap: CycleSnapshot) -> Hashable:
        """What of the cycle this guard's verdict depends on."""

    @abstractmethod
    def judge(self, p: Any, seen: Any, d: Definition, lang: Language) -> tuple[bool, str, dict[str, Any]]:
        """(passed, message in ``lang``, details such as how many facts are still missing)."""

    def references(self, p: Any) -> tuple[str | None, tuple[str, ...], str | None]:
        """(fact, fields, role) this guard refers to, for definition validation."""
        return getattr(p, "fact", None), tuple(getattr(p, "fields", ())), getattr(p, "role", None)

    def also_references(self, p: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Further (fact, fields) a guard compares with, for definition validation."""
        return ()

    def fact_to_record(self, p: Any) -> str | None:
        """The fact whose recording satisfies the guard (what ``status`` suggests as the next
        step): the fact it refers to, unless the guard asks for something else."""
        return self.references(p)[0]

    def never_met(self, p: Any) -> Message | None:
        """A reason the guard can never pass, reported as a validation warning (in the reader's
        language, hence a message and not a sentence)."""
        return None

    @abstractmethod
    def describe(self, p: Any, d: Definition, lang: Language) -> str:
        """What the guard asks for, without a cycle: the label `workflow show` prints."""


def _latest(facts: list[Any]) -> Any:
    """The latest of facts in recording order; on a tie of dates the one recorded last (a draft
    corrected the same day): max() keeps the first of equals, hence reversed."""
    return max(reversed(facts), key=lambda f: f.on)


class FactRecorded(GuardType):
    """A fact of the type is on record; with ``where``, one whose fields hold one of the listed
    values (a council resolution whose result is ``adopted`` or ``adopted_amended``).

    ``absent_matches`` lets a fact without the field match: one recorded before the field
    existed, under a version whose guard asked for the fact alone. ``dated_by`` names the date
    field the unmet message quotes („vertagt am 15.03.2027“); without it, the day of recording."""

    name = "fact_recorded"

    class Params(_Params):
        fact: str
        where: dict[str, tuple[str, ...]] = {}
        absent_matches: bool = False
        dated_by: str | None = None

        @field_validator("where")
        @classmethod
        def _values_listed(cls, where: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
            for name, values in where.items():
                if not values:
                    raise InvalidValue(m("definition.guard.where_empty", "de", field=name))
            return where

    @staticmethod
    def _matches(p: Params, fields: Any) -> bool:
        return all(fields.get(name) in values or (p.absent_matches and fields.get(name) in (None, ""))
                   for name, values in p.where.items())

    def observe(self, p: Params, snap: CycleSnapshot) -> Hashable:
        """Without ``where``, whether a fact is on record; with it, True for a matching fact, else
        the latest fact's value and date (None without any fact)."""
        facts = snap.facts_of(p.fact)
        if not p.where:
            return bool(facts)
        if any(self._matches(p, f.fields) for f in facts):
            return True
        if not facts:
            return None
        latest = _latest(facts)
        on = latest.fields.get(p.dated_by) if p.dated_by else None
        value = latest.fields.get(next(iter(p.where)))
        return (tuple(value) if isinstance(value, list) else value, on or latest.on.isoformat())  # hashable

    def _wanted(self, p: Params, d: Definition, lang: Language) -> dict[str, str]:
        spec = d.facts[p.fact].fields if p.fact in d.facts else {}
        parts = []
        for name, values in p.where.items():
            field = spec.get(name)
            label = field.label.get(lang) if field and field.label else name
            shown = [t("guard.quoted", lang, value=field.choice_label(v, lang) if field else v) for v in values]
            parts.append(t("guard.where", lang, field=label, values=t("guard.or", lang).join(shown)))
        return {"fact": d.fact_label(p.fact, lang), "where": ", ".join(parts)}

    def judge(self, p: Params, seen: Any, d: Definition, lang: Language):
        if not p.where:
            return seen, t("guard.fact_recorded", lang, fact=d.fact_label(p.fact, lang)), {"missing": 0 if seen else 1}
        wanted = self._wanted(p, d, lang)
        message = t("guard.fact_recorded.where", lang, **wanted)
        if seen is True:
            return True, message, {"missing": 0}
        if seen is None:
            return False, message, {"missing": 1}
        value, on = seen
        name = next(iter(p.where))
        field = d.facts[p.fact].fields.get(name) if p.fact in d.facts else None
        shown = field.choice_label(value, lang) if field and value is not None else "–"
        try:
            day = format_date(on, lang)
        except ValueError:  # `dated_by` names a field that is not a date: shown as stored
            day = str(on)
        latest = t("guard.fact_recorded.latest", lang, fact=wanted["fact"], value=shown, date=day)
        return False, f"{latest} {message}", {"missing": 1, "latest": value, "latest_on": on}

    def references(self, p: Params) -> tuple[str | None, tuple[str, ...], str | None]:
        return p.fact, tuple(p.where) + ((p.dated_by,) if p.dated_by else ()), None

    def describe(self, p: Params, d: Definition, lang: Language) -> str:
        if p.where:
            return t("guard.label.fact_recorded.where", lang, **self._wanted(p, d, lang))
        return t("guard.label.fact_recorded", lang, fact=d.fact_label(p.fact, lang))


class FactCount(GuardType):
    """At least ``min`` facts of a type. With ``meetings = "steering_group"`` the held meetings
    of that working structure count as well: the "several workshops" of the steering group are
    its meetings now, and the ``workshop`` facts recorded before keep counting."""

    name = "fact_count"

    class Params(_Params):
        fact: str
        min: int = Field(ge=1)
        meetings: str | None = None

        @field_validator("meetings")
        @classmethod
        def _known_structure(cls, value: str | None) -> str | None:
            if value is not None and value not in STRUCTURES:
                raise InvalidValue(m("definition.unknown_role", "de", role=value, roles=", ".join(STRUCTURES)))
            return value

    def observe(self, p: Params, snap: CycleSnapshot) -> int:
        held = snap.held_meetings.get(p.meetings, 0) if p.meetings else 0
        return len(snap.facts_of(p.fact)) + held

    def judge(self, p: Params, count: int, d: Definition, lang: Language):
        msg = t("guard.fact_count", lang, fact=d.fact_label(p.fact, lang), min=p.min, count=count)
        return count >= p.min, msg, {"missing": max(0, p.min - count), "count": count}

    def describe(self, p: Params, d: Definition, lang: Language) -> str:
        return t("guard.label.fact_count", lang, fact=d.fact_label(p.fact, lang), min=p.min)


class RoleCount(GuardType):
    name = "role_count"

    class Params(_Params):
        role: str
        min: int = Field(default=0, ge=0)
        max: int | None = Field(default=None, ge=0)

        @field_validator("role")
        @classmethod
        def _known_role(cls, value: str) -> str:
            if value not in ROLES:
                raise InvalidValue(m("definition.unknown_role", "de", role=value, roles=", ".join(ROLES)))
            return value

    @staticmethod
    def _wording(p: Params) -> str:
        if p.max is None:
            return "min"
        if p.max == p.min:
            return "exact"
        return "range" if p.min else "max"

    def observe(self, p: Params, snap: CycleSnapshot) -> int:
        return snap.role_counts.get(p.role, 0)

    def judge(self, p: Params, count: int, d: Definition, lang: Language):
        role = t(f"role.{p.role}", lang)
        ok = count >= p.min and (p.max is None or count <= p.max)
        message = t(f"guard.role_count.{self._wording(p)}", lang, role=role, min=p.min, max=p.max, count=count,
                    min_people=people(p.min, lang), max_people=people(p.max, lang))
        return ok, message, {"count": count, "role": p.role}

    def describe(self, p: Params, d: Definition, lang: Language) -> str:
        return t(f"guard.label.role_count.{self._wording(p)}", lang, role=t(f"role.{p.role}", lang),
                 min=p.min, max=p.max)

    def never_met(self, p: Params) -> Message | None:
        if p.max is not None and p.max < p.min:
            return m("definition.guard.max_below_min", "de", max=p.max, min=p.min)
        return None


class FieldsPresent(GuardType):
    """The latest fact of a type carries every listed field (e.g. all parts of the action programme)."""

    name = "fields_present"

    class Params(_Params):
        fact: str
        fields: tuple[str, ...] = Field(min_length=1)

    def observe(self, p: Params, snap: CycleSnapshot) -> tuple[str, ...] | None:
        """The listed fields the latest fact lacks; None without a fact."""
        facts = snap.facts_of(p.fact)
        if not facts:
            return None
        latest = _latest(facts)
        return tuple(f for f in p.fields if latest.fields.get(f) in (None, ""))

    def judge(self, p: Params, absent: tuple[str, ...] | None, d: Definition, lang: Language):
        label = d.fact_label(p.fact, lang)
        if absent is None:
            names = ", ".join(p.fields)
            return False, t("guard.fields_present.no_fact", lang, fact=label, fields=names), {"missing": 1}
        return not absent, t("guard.fields_present", lang, fact=label, fields=", ".join(absent or p.fields)), {
            "missing": 1 if absent else 0, "absent": list(absent)}

    def describe(self, p: Params, d: Definition, lang: Language) -> str:
        return t("guard.label.fields_present", lang, fact=d.fact_label(p.fact, lang), fields=", ".join(p.fields))


class Covers(GuardType):
    """The latest fact's list field holds every entry of another fact's list field: a county's
    inventory report covers every member municipality on its list of members (AGS)."""

    name = "covers"
    _SHOWN = 10
    """Missing entries named in the message; a county has up to 60 members, the rest is counted."""

    class Params(_Params):
        fact: str
        field: str
        of_fact: str
        of_field: str

    def observe(self, p: Params, snap: CycleSnapshot) -> tuple[tuple[str, ...], int] | None:
        """(entries still missing, how many are wanted); None while the list to cover is absent."""
        wanted_facts = snap.facts_of(p.of_fact)
        if not wanted_facts:
            return None
        wanted = tuple(_latest(wanted_facts).fields.get(p.of_field) or ())
        facts = snap.facts_of(p.fact)
        have = set(_latest(facts).fields.get(p.field) or ()) if facts else set()
        return tuple(x for x in wanted if x not in have), len(wanted)

    def _labels(self, p: Params, d: Definition, lang: Language) -> dict[str, str]:
        def field_label(fact: str, name: str) -> str:
            spec = d.facts[fact].fields.get(name) if fact in d.facts else None
            return spec.label.get(lang) if spec and spec.label else name
        return {"fact": d.fact_label(p.fact, lang), "field": field_label(p.fact, p.field),
                "of_fact": d.fact_label(p.of_fact, lang), "of_field": field_label(p.of_fact, p.of_field)}

    def judge(self, p: Params, seen: tuple[tuple[str, ...], int] | None, d: Definition, lang: Language):
        labels = self._labels(p, d, lang)
        if seen is None:
            return False, t("guard.covers.no_list", lang, **labels), {"missing": 1}
        missing, total = seen
        shown = ", ".join(missing[:self._SHOWN]) + (" …" if len(missing) > self._SHOWN else "")
        message = t("guard.covers", lang, **labels, count=len(missing), total=total, missing=shown)
        return not missing, message, {"missing": 1 if missing else 0, "uncovered": list(missing)}

    def references(self, p: Params) -> tuple[str | None, tuple[str, ...], str | None]:
        return p.fact, (p.field,), None

    def also_references(self, p: Params) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return ((p.of_fact, (p.of_field,)),)

    def describe(self, p: Params, d: Definition, lang: Language) -> str:
        return t("guard.label.covers", lang, **self._labels(p, d, lang))


PROGRAMME_PARTS = ("guideline", "strategic", "operative", "measure")
"""What every theme field needs in a complete action programme, in the order the guard names them."""


def theme_names(text: str) -> tuple[str, ...]:
    """The theme fields of a free-text list ("Klima und Energie; Mobilität, Bildung")."""
    names = (part.strip() for part in text.replace(";", ",").replace("\n", ",").split(","))
    return tuple(dict.fromkeys(name for name in names if name))


class ProgrammeStructure(GuardType):
    """Every theme field has a Leitlinie, a strategic and an operative goal and a measure with
    planned resources (costs or staff). The theme fields are those the inventory chose (a text
    field of its latest fact); without one, those of the programme's own goals, of which there
    must be at least one. Theme fields match regardless of case and surrounding spaces."""

    name = "programme_structure"

    class Params(_Params):
        fact: str | None = "inventory_report"
        """The fact whose text field names the chosen theme fields."""
        field: str = "theme_fields"

    def references(self, p: Params) -> tuple[str | None, tuple[str, ...], str | None]:
        return p.fact, (p.field,) if p.fact else (), None

    def fact_to_record(self, p: Params) -> str | None:
        """None: the programme is completed with goals and measures, not by recording the inventory again."""
        return None

    def observe(self, p: Params, snap: CycleSnapshot) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each theme field with the parts it still lacks."""
        shape = snap.programme
        facts = snap.facts_of(p.fact) if p.fact else []
        chosen = theme_names(str(max(reversed(facts), key=lambda f: f.on).fields.get(p.field) or "")) if facts else ()
        themes = chosen or tuple(dict.fromkeys(g.theme_field.strip() for g in shape.goals))
        present: dict[str, set[str]] = {}
        for goal in shape.goals:
            present.setdefault(goal.theme_field.strip().casefold(), set()).add(goal.level)
        for measure in shape.measures:
            if measure.resourced and measure.theme_field:
                present.setdefault(measure.theme_field.strip().casefold(), set()).add("measure")
        return tuple((theme, tuple(part for part in PROGRAMME_PARTS if part not in present.get(theme.casefold(), ())))
                     for theme in themes)

    def judge(self, p: Params, seen: tuple[tuple[str, tuple[str, ...]], ...], d: Definition, lang: Language):
        if not seen:
            return False, t("guard.programme_structure.empty", lang), {"missing": 1}
        gaps = [(theme, parts) for theme, parts in seen if parts]
        if not gaps:
            return True, t("guard.programme_structure", lang), {"missing": 0}
        # Joined here, not passed as one parameter: parameters are clipped as echoes of user input.
        lines = "; ".join(t("guard.programme_structure.gap", lang, theme=theme, parts=", ".join(
            t(f"guard.programme_structure.part.{part}", lang) for part in parts)) for theme, parts in gaps)
        return False, f'{t("guard.programme_structure.gaps", lang)} {lines}', {
            "missing": len(gaps), "gaps": {theme: list(parts) for theme, parts in gaps}}

    def describe(self, p: Params, d: Definition, lang: Language) -> str:
        return t("guard.label.programme_structure", lang)


REGISTRY: dict[str, GuardType] = {g.name: g for g in (FactRecorded(), FactCount(), RoleCount(), FieldsPresent(),
                                                      Covers(), ProgrammeStructure())}


def parse_params(spec: GuardSpec) -> Any:
    """Validate a guard's parameters against its type; raises KeyError or ValidationError."""
    return REGISTRY[spec.type].Params(**spec.params)


def describe(spec: GuardSpec, d: Definition, lang: Language) -> str:
    """The label of a guard of a valid definition: its own ``message`` if the file gives one."""
    if spec.message is not None:
        return spec.message.get(lang)
    return REGISTRY[spec.type].describe(parse_params(spec), d, lang)


_VERDICTS_PER_SPEC = 256
"""How many distinct verdicts (observation, language) a spec keeps: a guard sees few (a count
of facts, a set of absent fields), and a cap keeps an unusual definition from growing without
bound; past it, verdicts are worked out afresh."""


class Evaluator:
    """Evaluates guards. A spec's parameters are parsed once per loaded definition and each
    distinct verdict — what ``judge`` says of one observation in one language for one definition
    version, message included — is worked out once and kept with the spec (``GuardSpec.memo``): the verdict depends on
    nothing else, and validating the parameters and formatting the message on every call was
    most of a transition's decision (bench/decision_bench.py)."""

    @staticmethod
    def _parsed(spec: GuardSpec) -> Any:
        memo = spec.memo
        if "params" not in memo:
            memo["params"] = parse_params(spec)
        return memo["params"]

    def observe_all(self, guards: dict[str, GuardSpec], snap: CycleSnapshot) -> tuple[Hashable, ...]:
        """What each guard looks at, in order: equal observations mean equal results."""
        return tuple(REGISTRY[spec.type].observe(self._parsed(spec), snap) for spec in guards.values())

    def judge_all(self, guards: dict[str, GuardSpec], seen: tuple[Hashable, ...], d: Definition,
                  lang: Language) -> list[GuardResult]:
        out = []
        for (guard_id, spec), observed in zip(guards.items(), seen, strict=True):
            key = (guard_id, observed, lang, d.version)  # the version too: a spec object may be shared
            result = spec.memo.get(key)
            if result is None:
                result = self._judge(guard_id, spec, observed, d, lang)
                if len(spec.memo) < _VERDICTS_PER_SPEC:
                    spec.memo[key] = result
            out.append(result)
        return out

    def _judge(self, guard_id: str, spec: GuardSpec, observed: Hashable, d: Definition, lang: Language) -> GuardResult:
        kind, params = REGISTRY[spec.type], self._parsed(spec)
        ok, message, info = kind.judge(params, observed, d, lang)
        if spec.message is not None:
            message = spec.message.get(lang)
        fact = kind.fact_to_record(params)
        fields = kind.references(params)[1] if fact else ()
        return GuardResult(id=guard_id, type=spec.type, severity=spec.severity, ok=ok, message=message,
                           fact=fact, missing=int(info.pop("missing", 0)), fields=fields, details=info)

    def evaluate_all(self, guards: dict[str, GuardSpec], snap: CycleSnapshot, d: Definition,
                     lang: Language) -> list[GuardResult]:
        return self.judge_all(guards, self.observe_all(guards, snap), d, lang)


def evaluate(guard_id: str, spec: GuardSpec, snap: CycleSnapshot, d: Definition, lang: Language) -> GuardResult:
    return Evaluator().evaluate_all({guard_id: spec}, snap, d, lang)[0]


def evaluate_all(guards: dict[str, GuardSpec], snap: CycleSnapshot, d: Definition, lang: Language) -> list[GuardResult]:
    return Evaluator().evaluate_all(guards, snap, d, lang)


def blocking_unmet(results: list[GuardResult]) -> list[GuardResult]:
    return [r for r in results if not r.ok and r.severity == "block"]


