"""Every branch of every shipped mail, as (name, template, context): what the pinned renderings
in tests/unit/mail_golden.json were made from (tests/unit/test_mail_golden.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from notifications.template_check import (
    MONITORING_SAMPLES,
    SAMPLE_COMMON,
    SAMPLE_DIGEST,
    SAMPLES,
)

_EVENT = {"event_label": "1. Netzwerktagung", "event_on": dt.date(2027, 3, 15)}


def _variants() -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    for template, kind, extra in SAMPLES:
        out.append((f"{template}-{kind}", template, {**SAMPLE_COMMON, "kind": kind, **extra}))
    common = {**SAMPLE_COMMON, "recipient_name": "<b>Anna & Co</b>"}
    for kind, days in (("before", 1), ("overdue", -1), ("escalation", -1)):
        out.append((f"reminder-{kind}-{days}", "reminder", {**common, "kind": kind, "days_left": days}))
    out.append(("reminder-nothing-missing", "reminder",
                {**SAMPLE_COMMON, "kind": "before", "missing": [], "next_steps": []}))
    out.append(("phase_entered-no-due", "phase_entered",
                {**common, "kind": "enter", "due_on": None, "missing": [], "next_steps": []}))
    for days in (1, 0, -1, -5):
        out.append((f"review-{days}", "review", {**common, "kind": "review", **_EVENT, "days_left": days}))
    out.append(("cycle_started-no-due", "cycle_started",
                {**common, "kind": "cycle_started", "previous_cycle_number": 1, "due_on": None}))
    for reason in ("completed", "migrated"):
        out.append((f"calendar_cancelled-{reason}", "calendar_cancelled",
                    {**common, "kind": "cancel", "reason": reason}))
    out.append(("calendar_cancelled-event", "calendar_cancelled",
                {**common, "kind": "cancel", "reason": "advanced", **_EVENT}))
    values = MONITORING_SAMPLES["values_due"]
    groups = [{**values["groups"][0], "days_left": days} for days in (5, 1, 0)]
    out.append(("values_due-one", "values_due", {**common, "kind": "values_due", "count": 1, "groups": groups}))
    measures = [{**MONITORING_SAMPLES["stale_measures"]["measures"][0], "responsible": ""}] * 2
    out.append(("stale_measures-two", "stale_measures",
                {**common, "kind": "stale_measures", "count": 2, "statuses": "planned", "measures": measures}))
    out.append(("digest", "digest", SAMPLE_DIGEST))
    out.append(("digest-two", "digest", {**SAMPLE_DIGEST, "items": SAMPLE_DIGEST["items"] * 2}))
    return out


VARIANTS = _variants()
