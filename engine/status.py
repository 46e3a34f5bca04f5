"""The status of a cycle as data: where it stands and exactly what is still missing.

Pure over an already loaded cycle, so the CLI, `--json`, the reminder mails and the overview of
many municipalities all say the same: one municipality's cycle (``Service.load``, ORM rows) and a
set-based read of thousands (``Service.status_all``, plain result rows) hand ``build_status`` the
same few attributes, described by the protocols below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Protocol

from engine.definitions.model import COMPLETED, Definition, Transition
from engine.guards import Evaluator, GuardResult
from engine.i18n import Language, t_or
from engine.snapshot import CycleSnapshot

OVERVIEW_SORTS = ("ags", "name", "state", "workflow", "phase", "days", "due", "overdue", "activity")
"""What ``Service.status_page`` (engine.service) sorts the overview by: columns the database has
(``days`` is the day the phase was entered, ``activity`` the latest history entry). The open
conditions are not among them: they are worked out from the guards, which a sort in SQL cannot
see."""
MUNICIPALITY_SORTS = ("ags", "name", "state")
"""What ``Service.municipalities_page`` sorts the bare list of municipalities by."""
OVERVIEW_MAX_LIMIT = 500
"""The most rows one page of ``Service.status_page`` holds (the API's largest ``limit``)."""


class MunicipalityView(Protocol):
    """What a status says about the municipality: an ORM row or a result row of a joined read."""

    @property
    def ags(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def state(self) -> str: ...


class CycleView(Protocol):
    """The columns of the cycle row a status reports."""

    @property
    def number(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def phase(self) -> str: ...
    @property
    def phase_entered_on(self) -> dt.date: ...
    @property
    def due_on(self) -> dt.date | None: ...
    @property
    def restart_on(self) -> dt.date | None: ...
    @property
    def lock_version(self) -> int: ...


class StatusSource(Protocol):
    """A cycle read for its status: its municipality, the row, the pinned definition and the
    snapshot the guards are evaluated on (``engine.service.Loaded`` is one)."""

    @property
    def municipality(self) -> MunicipalityView: ...
    @property
    def cycle(self) -> CycleView: ...
    @property
    def definition(self) -> Definition: ...
    def snapshot(self) -> CycleSnapshot: ...


def _fields(definition: Definition, fact: str | None, lang: Language) -> list[dict[str, Any]]:
    if fact is None or fact not in definition.facts:
        return []
    return [{"name": name, "type": spec.type, "required": spec.required, "choices": list(spec.choice_values),
             "choice_labels": {value: spec.choice_label(value, lang) for value in spec.choice_values},
             "label": spec.label.get(lang) if spec.label else t_or(f"field.{name}", name, lang)}
            for name, spec in definition.facts[fact].fields.items()]


def _unmet(definition: Definition, result: GuardResult, lang: Language) -> dict[str, Any]:
    out: dict[str, Any] = {"id": result.id, "type": result.type, "severity": result.severity,
                           "message": result.message}
    if result.fact is not None:
        out.update(fact=result.fact, missing=result.missing, fields=_fields(definition, result.fact, lang))
        if result.type == "fields_present":
            out["absent_fields"] = list(result.details.get("absent", result.fields))
    if result.type == "role_count":
        out.update(role=result.details.get("role"), count=result.details.get("count"))
    return out


def steps(status: dict[str, Any]) -> list[dict[str, Any]]:
    """What would satisfy each unmet guard, as data in the order the guards are listed: record a
    fact (with the fields still missing), add a person with a role, or advance when ready. Each
    interface renders them its own way (a command, a line in a mail, a form)."""
    out: list[dict[str, Any]] = []
    recording: dict[str, dict[str, Any]] = {}
    for guard in status.get("unmet", []):
        if guard.get("type") == "role_count":
            step: dict[str, Any] = {"action": "add_person", "role": guard["role"]}
        elif guard.get("fact"):
            # A fact is recorded whole, so a step names its required fields and those a guard
            # misses; two guards on one fact (recorded at all, and with a field) make one step.
            wanted = [f["name"] for f in guard["fields"] if f["required"]]
            wanted += [name for name in guard.get("absent_fields", []) if name not in wanted]
            if guard["fact"] in recording:
                fields = recording[guard["fact"]]["fields"]
                fields += [name for name in wanted if name not in fields]
                continue
            step = recording[guard["fact"]] = {"action": "record", "fact": guard["fact"], "fields": wanted}
        else:
            continue
        if step not in out:
            out.append(step)
    if status.get("ready"):
        out.append({"action": "advance"})
    return out


def as_commands(ags: str, steps: Iterable[Mapping[str, Any]], actor: str) -> list[str]:
    """The next steps as the `zyklus` commands that take them, for a person at a terminal (and
    the lines of a reminder mail when there is no web app to link to): ``actor`` is whose ``--as``."""
    out: list[str] = []
    for step in steps:
        if step["action"] == "add_person":
            out.append(f'zyklus person add {ags} --name "…" --email … --role {step["role"]}')
        elif step["action"] == "record":
            sets = " ".join(f'--set {name}="…"' for name in step["fields"])
            out.append(f"zyklus record {ags} {step['fact']} --as {actor}" + (f" {sets}" if sets else ""))
        else:
            out.append(f"zyklus advance {ags} --as {actor}")
    return out


class Progress:
    """Where cycles stand against their way out (``next``, ``unmet``, ``ready``, ``steps``),
    worked out once per distinct situation in one read: a situation is the definition, the
    phase, the language and what each guard of the phase's transitions observes (counts, absent
    fields). The overview of 10,000 municipalities meets a few hundred situations; each is
    judged, worded and laid out once, and the statuses in that situation share the result,
    which the caller therefore must not change. Lives for one read (it keys by identity)."""

    def __init__(self) -> None:
        self._guards = Evaluator()
        self._known: dict[tuple[int, str, Language, tuple[tuple[Hashable, ...], ...]], dict[str, Any]] = {}

    def of(self, definition: Definition, phase: str, snapshot: CycleSnapshot, lang: Language) -> dict[str, Any]:
        transitions = definition.transitions_from(phase, "advance")
        seen = tuple(self._guards.observe_all(tr.guards, snapshot) for _, tr in transitions)
        key = (id(definition), phase, lang, seen)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = self._work_out(definition, transitions, seen, lang)
        return known

    def _work_out(self, definition: Definition, transitions: list[tuple[str, Transition]],
                  seen: tuple[tuple[Hashable, ...], ...], lang: Language) -> dict[str, Any]:
        progress: dict[str, Any] = {"next": [], "unmet": [], "ready": False}
        for (tid, transition), observed in zip(transitions, seen, strict=True):
            results = self._guards.judge_all(transition.guards, observed, definition, lang)
            blocking = [r for r in results if not r.ok and r.severity == "block"]
            progress["next"].append({"transition": tid, "dest": transition.dest,
                                     "dest_label": definition.phase_label(transition.dest, lang),
                                     "roles": list(transition.roles), "ready": not blocking})
            if len(progress["next"]) == 1:
                warned = [r for r in results if not r.ok and r.severity == "warn"]
                progress["unmet"] = [_unmet(definition, r, lang) for r in blocking + warned]
                progress["ready"] = not blocking
        progress["steps"] = steps(progress)
        return progress


def build_status(loaded: StatusSource, today: dt.date, lang: Language,
                 last_activity: dt.datetime | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """The status of one cycle. ``last_activity`` is the moment of its latest history entry when
    the caller read it (the reads of ``Service``); a reminder mail does not need it. A read of
    many cycles passes one ``progress`` for all."""
    cycle, definition, municipality = loaded.cycle, loaded.definition, loaded.municipality
    status: dict[str, Any] = {
        "ags": municipality.ags, "name": municipality.name, "state": municipality.state,
        "cycle": cycle.number, "cycle_status": cycle.status,
        "workflow": definition.name, "version": definition.version,
        "phase": cycle.phase, "phase_label": definition.phase_label(cycle.phase, lang),
        "entered_on": cycle.phase_entered_on.isoformat(),
        "entered_at": cycle.phase_entered_on.isoformat(),  # the name for the same day
        "due_on": cycle.due_on.isoformat() if cycle.due_on else None,
        "overdue": bool(cycle.due_on and cycle.due_on < today),
        "restart_on": cycle.restart_on.isoformat() if cycle.restart_on else None,
        "lock_version": cycle.lock_version,
        "last_activity": last_activity.isoformat() if last_activity else None,
        "next": [], "unmet": [], "ready": False,
    }
    if cycle.phase == COMPLETED:
        return status
    status.update((progress or Progress()).of(definition, cycle.phase, loaded.snapshot(), lang))
    return status
