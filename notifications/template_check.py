"""`zyklus template check`: try every administrator template before a sweep relies on it.

Every file of the folder is read the way a sweep reads it (links out of the folder, ``..``,
non-UTF-8 and oversized files are refused), and every kind of mail is rendered in the sandbox
with a realistic sample context, in every language and with the limits of a sweep, so an
undefined variable, a sandbox violation, a division by zero, a loop that never ends or a
two-line subject is found at the desk and not at seven in the morning in the reminders of every
municipality.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import jinja2

from notifications.mail import HeaderInjectionError
from notifications.render import LANGUAGES, MailRenderer
from notifications.template_loader import ConfinedLoader, TemplateRefused

_DUE = dt.date(2027, 3, 15)
_NEXT_STEPS = ["zyklus record 16051000 council_resolution --as anna.koch@erfurt.example"]
_REVIEW = {"event_label": "1. Netzwerktagung", "event_on": _DUE, "days_left": 14}
MONITORING_SAMPLES: dict[str, dict[str, Any]] = {
    "values_due": {"count": 2, "groups": [
        {"due_on": dt.date(2026, 3, 31), "days_left": -349, "indicators": [
            {"key": "ee-strom-anteil", "name": "Erneuerbarer Strom", "unit": "%", "year": 2025, "source": ""}]},
        {"due_on": _DUE, "days_left": 14, "indicators": [
            {"key": "thg-haushalte", "name": "Treibhausgasemissionen der Haushalte", "unit": "t je Einwohner:in",
             "year": 2026, "source": "BISKO-Bilanz"}]}]},
    "stale_measures": {"count": 1, "statuses": "planned, in_progress, done, delayed, dropped", "measures": [
        {"key": "m-pv", "title": "PV auf Schuldächern", "status": "in_progress", "status_label": "in Umsetzung",
         "status_on": dt.date(2026, 9, 1), "days": 195, "responsible": "Hochbauamt"}]},
}
_MEETING = {"group_label": "Steuerungsgruppe", "meeting_on": _DUE, "meeting_time": "17:00",
            "place": "Rathaus, Raum 101", "agenda": "1. Leitlinien\n2. Strategische Ziele", "update": False,
            "page": None}
"""What notifications/meetings.py gives a meeting's invitation and cancellation."""
SAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    ("reminder", "before", {"days_left": 14}), ("reminder", "due", {"days_left": 0}),
    ("reminder", "overdue", {"days_left": -7}), ("reminder", "escalation", {"days_left": -21}),
    ("review", "review", _REVIEW), ("review", "event", _REVIEW),
    ("phase_entered", "enter", {}), ("cycle_started", "cycle_started", {"previous_cycle_number": 1}),
    ("values_due", "values_due", MONITORING_SAMPLES["values_due"]),
    ("stale_measures", "stale_measures", MONITORING_SAMPLES["stale_measures"]),
    ("calendar_cancelled", "cancel", {"reason": "advanced"}),
    ("meeting_invitation", "meeting", _MEETING), ("meeting_invitation", "meeting_update", {**_MEETING, "update": True}),
    ("meeting_cancelled", "meeting_cancel", {**_MEETING, "reason": None}),
]
"""Every kind of mail a sweep composes: (template, kind, what the composer adds for it)."""
SAMPLE_COMMON = {"recipient_name": "Anna Koch", "recipient_email": "anna.koch@erfurt.example", "municipality": "Erfurt",
           "ags": "16051000", "cycle_number": 2, "phase_label": "Formeller Beschluss (Rat)",
           "phase_description": "Der Rat beschließt das Handlungsprogramm.", "due_on": _DUE, "days_left": 14,
           "missing": ["Nachweis „Ratsbeschluss“ muss in diesem Zyklus erfasst sein."], "next_steps": _NEXT_STEPS,
           "links": [], "web": None}
SAMPLE_DIGEST = {"recipient_name": "Anna Koch", "day": _DUE,
           "items": [{"subject": "Erinnerung: Frist am 15.03.2027", "text": "Guten Tag Anna Koch, …"}]}

_RUN = "GNK Thüringen, 3. Durchgang 2027–2029"
RUN_SAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    ("run_event", "run_event", {"recipient_name": "Anna Koch", "municipality": "Erfurt", "ags": "16051000",
                                "run_name": _RUN, "event_label": "1. Netzwerktagung", "event_on": _DUE,
                                "place": "Erfurt, Augustinerkloster", "days_left": 28}),
    ("run_event_cancelled", "run_event_cancel", {"recipient_name": "Anna Koch", "municipality": "Erfurt",
                                                 "run_name": _RUN, "event_label": "1. Netzwerktagung",
                                                 "event_on": _DUE}),
    ("run_digest", "run_digest", {"recipient_name": "Beate Beraterin", "week": "2027-W11", "items": [
        {"run": _RUN, "municipality": "Weimar", "ags": "16055000", "phase_label": "Bestandsaufnahme",
         "due_on": dt.date(2027, 3, 1), "days_overdue": 14}]}),
]
"""The programme runs' mails (notifications/run_reminders.py), each with its own context."""


def check_templates(override_dir: Path, lang: str = "de") -> list[str]:
    """One line per problem, our refusals said in ``lang`` (jinja2's own errors as jinja2 says
    them); empty when every override can be read and renders every kind of mail, in the sandbox
    and with the limits of a sweep."""
    renderer = MailRenderer(override_dir)
    refused = _refused_files(override_dir, lang)
    found: dict[tuple[str, str, str], str] = {}  # one line per error, named after the first kind it broke
    contexts = [(template, kind, {**SAMPLE_COMMON, "kind": kind, **extra}) for template, kind, extra in SAMPLES]
    for template, kind, context in contexts + [("digest", "digest", SAMPLE_DIGEST)] + RUN_SAMPLES:
        neutral = _overridden(override_dir, template)
        for language in LANGUAGES:
            per_language = _overridden(override_dir / language, template)
            if not (neutral or per_language):
                continue
            try:
                renderer.render(template, language, context)
            except (jinja2.TemplateError, HeaderInjectionError) as exc:
                if str(exc) not in refused:  # a refused file is reported once, not once per mail kind
                    label = template if kind in (template, "enter") else f"{template} ({kind})"
                    place = override_dir / language / label if per_language else override_dir / f"{label} [{language}]"
                    found.setdefault((language, template, _described(exc, lang)), str(place))
    rendering = [f"{place}: {error}" for (_, _, error), place in found.items()]
    return list(refused.values()) + rendering


def _overridden(folder: Path, template: str) -> bool:
    """Whether the folder holds a part of this mail (a file or anything else in its place)."""
    return any(os.path.lexists(p) for p in folder.glob(f"{template}.*.j2"))


def _described(exc: Exception, lang: str) -> str:
    """``TemplateRefused: …`` in ``lang``; any other error with its own text."""
    return f"{type(exc).__name__}: {exc.render(lang) if isinstance(exc, TemplateRefused) else exc}"


def _refused_files(override_dir: Path, lang: str) -> dict[str, str]:
    """Every ``*.j2`` entry of the folder, mail templates and partials alike, checked the way
    a sweep reads it: links out of the folder, other kinds of files, wrong encoding, size.
    Keyed by the refusal, so rendering the same file does not report it again."""
    loader = ConfinedLoader(override_dir)
    problems: dict[str, str] = {}
    for folder, _dirs, files in os.walk(override_dir):
        for path in sorted(Path(folder) / name for name in files if name.endswith(".j2")):
            try:
                loader.get_source(None, path.relative_to(override_dir).as_posix())  # type: ignore[arg-type]
            except TemplateRefused as exc:
                problems[str(exc)] = f"{path}: {_described(exc, lang)}"
    return problems
