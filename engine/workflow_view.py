"""A definition for reading: as text in the user's language, as a Mermaid diagram, as JSON.

Pure functions of a valid :class:`Definition`, so `workflow show`, the docs and the tests render
the same thing. Phases are listed in process order (as a cycle meets them), not in file order.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.dates import Duration
from engine.definitions.model import COMPLETED, Definition, Phase, Reminders
from engine.guards import describe
from engine.i18n import Language, t, tn

_UNITS = (("years", "year"), ("months", "month"), ("days", "day"))


def format_duration(value: str, lang: Language) -> str:
    """``P1Y6M`` → "1 Jahr 6 Monate"; weeks read as days, as the engine counts them."""
    duration = Duration.parse(value)
    parts = []
    for attr, unit in _UNITS:
        n = getattr(duration, attr)
        if n:
            parts.append(tn(f"duration.{unit}", n, lang))
    return " ".join(parts) or tn("duration.day", 0, lang)


def _roles(roles: tuple[str, ...], lang: Language) -> str:
    return ", ".join(t(f"role.{r}", lang) for r in roles)


def _offsets(values: tuple[str, ...], lang: Language) -> str:
    return ", ".join(format_duration(v, lang) for v in values)


def _reminders(rules: Reminders | None, lang: Language) -> str:
    if rules is None or rules.silent:
        return t("show.reminders.none", lang)
    parts = []
    if rules.on_enter:
        parts.append(t("show.reminders.enter", lang))
    if rules.before:
        parts.append(t("show.reminders.before", lang, offsets=_offsets(rules.before, lang)))
    if rules.on_due:
        parts.append(t("show.reminders.due", lang))
    overdue = rules.overdue
    if overdue is not None and overdue.max:
        parts.append(t("show.reminders.overdue", lang, every=format_duration(overdue.every, lang), max=overdue.max))
        if overdue.escalate_after and overdue.escalate_to:
            parts.append(t("show.reminders.escalate", lang, after=format_duration(overdue.escalate_after, lang),
                           roles=_roles(overdue.escalate_to, lang)))
    return "; ".join(parts) + " → " + _roles(rules.roles, lang)


def _phase_lines(d: Definition, number: int, pid: str, phase: Phase, lang: Language) -> list[str]:
    duration = format_duration(phase.duration, lang) if phase.duration else t("show.open_ended", lang)
    lines = [f"  {number}. {pid} – {phase.label.get(lang)} ({duration})",
             f"     {t('show.reminders', lang)}: {_reminders(phase.reminders, lang)}"]
    for rid, review in phase.reviews.items():
        before = f"; {t('show.reminders.before', lang, offsets=_offsets(review.before, lang))}" if review.before else ""
        lines.append(f"     {t('show.review', lang)} {rid}: {review.label.get(lang)} "
                     f"({t('show.every', lang, every=format_duration(review.every, lang))}{before}) → "
                     f"{_roles(review.roles, lang)}")
    return lines


def render_text(d: Definition, lang: Language, source: str | None = None) -> str:
    """What a coordinator or administrator reads: the process, its conditions and its reminders."""
    head = f"{d.label.get(lang)} ({d.name}, {t('show.version', lang)} {d.version}"
    head += f", {t('show.extends', lang, parent=d.extends)})" if d.extends else ")"
    lines = [head]
    if source:
        lines.append(f"{t('show.source', lang)}: {source}")
    lines += ["", t("show.phases", lang)]
    for number, pid in enumerate(d.phase_order, 1):
        lines += _phase_lines(d, number, pid, d.phases[pid], lang)
    lines += ["", t("show.transitions", lang)]
    for tid, tr in sorted(d.transitions.items(), key=lambda item: _order(d, item[1].source)):
        trigger = "" if tr.trigger == "advance" else f" [{tr.trigger}]"
        lines.append(f"  {tid}{trigger}: {d.phase_label(tr.source, lang)} → {d.phase_label(tr.dest, lang)} "
                     f"({t('show.may_fire', lang)}: {_roles(tr.roles, lang)})")
        for gid, spec in tr.guards.items():
            mark = "✗" if spec.severity == "block" else "!"
            lines.append(f"     {mark} {describe(spec, d, lang)} ({gid}, {t(f'show.severity.{spec.severity}', lang)})")
    if d.events:
        lines += ["", t("show.events", lang)]
        for eid, event in d.events.items():
            when = event.on or t("show.after_start", lang, after=format_duration(event.after_start or "P0D", lang))
            scope = t("show.only_cycle", lang, n=event.only_cycle) if event.only_cycle else t("show.every_cycle", lang)
            before = t("show.reminders.before", lang, offsets=_offsets(event.before, lang)) if event.before else ""
            lines.append(f"  {eid}: {event.label.get(lang)} – {when}, {scope}; {before} → {_roles(event.roles, lang)}")
    lines.append("")
    if d.restart and d.restart.anchor == "completion" and Duration.parse(d.restart.after).is_zero:
        lines.append(t("show.restart.at_once", lang, phase=d.phase_label(d.restart.phase, lang)))
    elif d.restart:
        anchor = t(f"show.restart.{d.restart.anchor}", lang)
        lines.append(t("show.restart", lang, phase=d.phase_label(d.restart.phase, lang),
                       after=format_duration(d.restart.after, lang), anchor=anchor))
    else:
        lines.append(t("show.no_restart", lang))
    if d.label_award:
        lines.append(t("show.award", lang, label=d.label_award.get(lang)))
    return "\n".join(lines)


def _order(d: Definition, phase: str) -> int:
    return d.phase_order.index(phase) if phase in d.phase_order else len(d.phase_order)


_MERMAID_UNSAFE = re.compile(r'[#;:"<>{}\[\]|`\\]')
_MERMAID_KEYWORDS = frozenset({"as", "class", "classdef", "click", "direction", "end", "hide", "left", "note",
                               "of", "right", "state", "style"})


def _state(pid: str) -> str:
    """A phase id as a Mermaid state id; an id that is a Mermaid keyword gets a trailing ``_``."""
    return pid + "_" if pid.lower() in _MERMAID_KEYWORDS else pid


def _mermaid_text(text: str) -> str:
    """Label text Mermaid prints as given: characters with syntax meaning become entity codes
    (``#59;`` for ``;``), line breaks become spaces."""
    return _MERMAID_UNSAFE.sub(lambda m: f"#{ord(m.group())};", " ".join(text.split()))


def render_mermaid(d: Definition, lang: Language) -> str:
    """A ``stateDiagram-v2`` that GitHub and GitLab render in Markdown: the phases with their
    labels, each transition labelled with its guards (``!`` marks a warning-only guard), the
    end of a cycle and the restart into the next one."""
    lines = ["stateDiagram-v2"]
    for pid in d.phase_order:
        lines.append(f"    {_state(pid)} : {_mermaid_text(d.phases[pid].label.get(lang))}")
    lines.append(f"    {COMPLETED} : {_mermaid_text(d.phase_label(COMPLETED, lang))}")
    lines.append(f"    [*] --> {_state(d.initial)}")
    for tid, tr in d.transitions.items():
        guards = [gid + ("!" if spec.severity == "warn" else "") for gid, spec in tr.guards.items()]
        label = ", ".join(guards)
        if tr.trigger != "advance":
            label = f"{tr.trigger} {label}".strip()
        lines.append(f"    {_state(tr.source)} --> {_state(tr.dest)}" + (f" : {_mermaid_text(label)}" if label else ""))
    if d.restart:
        lines.append(f"    {COMPLETED} --> {_state(d.restart.phase)} : {_mermaid_text(t('show.next_cycle', lang))}")
    else:
        lines.append(f"    {COMPLETED} --> [*]")
    return "\n".join(lines)


def resolved(d: Definition) -> dict[str, Any]:
    """The definition after ``extends``, exactly as a cycle pins it, with its version."""
    return {"version": d.version, **json.loads(d.canonical_json)}
