"""`zyklus template check`: try every administrator template before a sweep relies on it.

Each mail kind is rendered in the sandbox with a realistic sample context, in both languages,
so an undefined variable, a sandbox violation or a two-line subject is found at the desk and
not at seven in the morning in the reminders of every municipality.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2

from notifications.mail import HeaderInjectionError
from notifications.render import LANGUAGES, MailRenderer

_DUE = dt.date(2027, 3, 15)
SAMPLE: dict[str, dict[str, Any]] = {
    "reminder": {"kind": "before", "days_left": 14, "missing": ["Ratsbeschluss"],
                 "next_steps": ["zyklus record 16051000 council_resolution --as …"]},
    "phase_entered": {"phase_description": "Der Rat beschließt das Handlungsprogramm.",
                      "missing": ["Ratsbeschluss"], "next_steps": []},
    "review": {"event_label": "1. Netzwerktagung", "event_on": _DUE, "days_left": 14},
    "cycle_started": {"previous_cycle_number": 1},
    "digest": {"day": _DUE, "items": [{"subject": "Erinnerung", "text": "Text"}]},
    "calendar_cancelled": {"reason": "advanced"},
    "values_due": {"recipient_email": "anna.koch@erfurt.example", "count": 2, "groups": [
        {"due_on": dt.date(2026, 3, 31), "days_left": -349, "indicators": [
            {"key": "ee-strom-anteil", "name": "Erneuerbarer Strom", "unit": "%", "year": 2025, "source": ""}]},
        {"due_on": _DUE, "days_left": 14, "indicators": [
            {"key": "thg-haushalte", "name": "Treibhausgasemissionen der Haushalte", "unit": "t je Einwohner:in",
             "year": 2026, "source": "BISKO-Bilanz"}]}]},
    "stale_measures": {"recipient_email": "anna.koch@erfurt.example", "count": 1,
                       "statuses": "planned, in_progress, done, delayed, dropped", "measures": [
                           {"key": "m-pv", "title": "PV auf Schuldächern", "status": "in_progress",
                            "status_label": "in Umsetzung", "status_on": dt.date(2026, 9, 1), "days": 195,
                            "responsible": "Hochbauamt"}]},
}
_COMMON = {"recipient_name": "Anna Koch", "municipality": "Erfurt", "ags": "16051000", "cycle_number": 2,
           "phase_label": "Formeller Beschluss (Rat)", "due_on": _DUE}


def check_templates(override_dir: Path) -> list[str]:
    """One line per problem; empty when every override renders."""
    renderer = MailRenderer(override_dir)
    problems = []
    for kind, extra in SAMPLE.items():
        for language in LANGUAGES:
            if not any((override_dir / language).glob(f"{kind}.*.j2")):
                continue
            try:
                renderer.render(kind, language, {**_COMMON, **extra})
            except (jinja2.TemplateError, HeaderInjectionError) as exc:
                problems.append(f"{override_dir / language / kind}: {type(exc).__name__}: {exc}")
    return problems
