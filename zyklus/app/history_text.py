"""History entries in words, one rendering for every entry point: the CLI's ``zyklus history``
table and the demo's timeline, the web's "Zuletzt" box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.i18n import format_date, t
from engine.numbers import format_exact

if TYPE_CHECKING:
    from zyklus.app.dto import HistoryEntryDTO


def describe(row: HistoryEntryDTO, lang: str) -> str:
    """One history row in words, for the table and the demo's timeline."""
    if row.kind == "start":
        return f"{t('history.start', lang)} → {row.to_label}"
    if row.kind == "complete":
        return f"{row.from_label} → {t('history.complete', lang)}"
    if row.kind == "deadline":
        return t("history.deadline", lang, due=format_date(row.details["due_on"], lang))
    if row.kind == "fact":
        return t("history.fact", lang, fact=row.fact_label)
    if row.kind in ("person_added", "person_changed", "person_removed"):
        return t(f"history.{row.kind}", lang, email=row.details.get("email"),
                 fields=", ".join(row.details.get("changed", {})))
    if row.kind == "award":
        return t("history.award", lang, label=row.details.get("label"), by=row.details.get("by"),
                 run=row.details.get("run"))
    if row.kind == "migrate":
        moved = f"; {row.from_label} → {row.to_label}" if row.from_ != row.to else ""
        return (f"{t('history.migrate', lang)}: {row.details.get('from_version')} → "
                f"{row.details.get('to_version')}{moved}")
    if row.kind in ("value_corrected", "value_deleted", "target_deleted"):
        # as typed and stored, every digit: rounded to the indicator's decimals a correction of
        # -1.250,5 to -125,5 would read „-1.250 → -126“ and hide what was corrected
        text = t(f"history.{row.kind}", lang, key=row.trigger, year=row.details.get("year"),
                 value=format_exact(row.details.get("value"), lang),
                 previous=format_exact(row.details.get("previous"), lang))
        before = row.details.get("previous_source") if row.kind == "value_corrected" else row.details.get("source")
        if before and (row.kind == "value_deleted" or before != row.details.get("source")):
            text += f"; {t('history.previous_source', lang, source=before)}"
        return text
    if row.kind in PROGRAMME_CHANGES:
        return programme_change(row, lang)
    if row.kind in PROGRAMME_STEPS:
        return programme_step(row, lang)
    return f"{row.from_label} → {row.to_label}"


PROGRAMME_CHANGES = ("goal_updated", "goal_deleted", "indicator_added", "indicator_updated", "indicator_deleted", "measure_updated",
                     "measure_deleted", "measure_linked", "measure_unlinked")


PROGRAMME_STEPS = ("goal_added", "measure_added", "indicators_adopted", "target_set", "baseline_set",
                   "measure_status")
"""The programme's ordinary steps, on record beside its corrections: what was added, decided, reached."""


def programme_step(row: HistoryEntryDTO, lang: str) -> str:
    """An addition to the programme, a target or baseline decided, a measure's status reached."""
    details = row.details
    if row.kind == "goal_added":
        added = details.get("added", {})
        return t("history.goal_added", lang, key=row.trigger, title=added.get("title"),
                 level=t(f"goal.level.{added.get('level', 'strategic')}", lang))
    if row.kind == "measure_added":
        return t("history.measure_added", lang, key=row.trigger, title=details.get("added", {}).get("title"))
    if row.kind == "indicators_adopted":
        return t("history.indicators_adopted", lang, keys=", ".join(details.get("keys", [row.trigger])))
    if row.kind in ("target_set", "baseline_set"):
        value, previous = format_exact(details.get("value"), lang), details.get("previous")
        if previous is None:
            return t(f"history.{row.kind}", lang, key=row.trigger, year=details.get("year"), value=value)
        return t(f"history.{row.kind}_changed", lang, key=row.trigger, year=details.get("year"), value=value,
                 previous=format_exact(previous, lang), previous_year=details.get("previous_year"))
    status = details.get("status", {})
    text = t("history.measure_status", lang, key=row.trigger,
             old=t(f"measure.status.{status.get('old')}", lang) if status.get("old") else "–",
             new=t(f"measure.status.{status.get('new')}", lang), since=format_date(details.get("since"), lang))
    return f"{text}; {t('history.note', lang, note=details['note'])}" if details.get("note") else text


def programme_change(row: HistoryEntryDTO, lang: str) -> str:
    """A correction of the programme in words: each changed field with its old and new value, or
    what a removed goal, indicator or measure was called."""
    details = row.details
    if row.kind.endswith("_updated"):
        changes = "; ".join(f"{name}: {_shown(change['old'], lang)} → {_shown(change['new'], lang)}"
                            for name, change in details.get("changes", {}).items())
        return t(f"history.{row.kind}", lang, key=row.trigger, changes=changes)
    if row.kind.endswith("_deleted"):
        removed = details.get("removed", {})
        return t(f"history.{row.kind}", lang, key=row.trigger, title=removed.get("title") or removed.get("name"))
    return t(f"history.{row.kind}", lang, key=row.trigger, indicator=details.get("indicator"))


def _shown(value: object, lang: str) -> str:
    """An old or new value as the user typed it: a number as a German writes it, a date as 15.03.2027."""
    if value in (None, ""):
        return "–"
    if isinstance(value, float):
        return format_exact(value, lang)
    return str(value)
