"""The door's workflow variants: list, validate, show, simulate and migrate.

Listing, validating, showing and simulating work without a database (an administrator writes a
variant before there is one) and never create one; migrating needs the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from engine.errors import NotFound
from engine.i18n import Language, m
from zyklus.app.dto import (
    MigrationDTO,
    ProblemDTO,
    SimulationDTO,
    ValidationDTO,
    WorkflowDTO,
)

if TYPE_CHECKING:
    from engine.definitions.loader import Catalog
    from engine.definitions.model import Definition
    from engine.service import Service
    from notifications.planning import Planned
    from notifications.simulation import Timeline


class Workflows:
    def __init__(self, workflow_dirs: list[Path], db_url: str, service: Callable[[], Service]) -> None:
        self._dirs = list(workflow_dirs)
        self._db_url = db_url
        self._service = service
        """Built on first use: only migrating needs the database."""

    def catalog_for(self, target: str, lang: Language = "de") -> Catalog:
        """The installation's catalogue; for a file being written, its own folder comes first so it
        may extend a sibling file that is not (yet) in a configured folder."""
        from engine.definitions.loader import Catalog

        if target.endswith(".toml") or "/" in target:
            path = Path(target)
            if not path.is_file():
                raise NotFound(m("workflow.file_missing", lang, path=target))
            return Catalog([path.resolve().parent, *self._dirs])
        catalog = Catalog(self._dirs)
        if catalog.path_of(target) is None:
            raise NotFound(m("workflow.unknown", lang, name=target, allowed=", ".join(catalog.names())))
        return catalog

    def validate(self, target: str, lang: Language = "de") -> ValidationDTO:
        """Every error and warning of a variant, said in ``lang``, each with its code and values."""
        catalog = self.catalog_for(target, lang)
        definition, problems = catalog.check(target)
        return ValidationDTO(
            file=catalog.resolve(target).name, valid=definition is not None and not any(not p.warning for p in problems),
            name=definition.name if definition else None, version=definition.version if definition else None,
            problems=[ProblemDTO(file=p.file, path=p.path, message=p.message.render(lang), line=p.line(lang),
                                 severity="warning" if p.warning else "error", **p.message.as_json())
                      for p in problems])

    def list(self, lang: Language = "de") -> list[WorkflowDTO]:
        from engine.definitions.loader import SHIPPED_DIR, Catalog
        from engine.versions import database_if_present, stored_versions

        catalog = Catalog(self._dirs)
        engine = database_if_present(self._db_url)
        stored = stored_versions(engine) if engine is not None else None
        if engine is not None:
            engine.dispose()
        rows = []
        for name in catalog.names():
            path = catalog.path_of(name)
            definition, _ = catalog.check(name)
            rows.append(WorkflowDTO(
                name=name, label=definition.label.get(lang) if definition else None,
                extends=definition.extends if definition else None,
                version=definition.version if definition else None, valid=definition is not None,
                source="shipped" if path.parent == SHIPPED_DIR else str(path.parent), path=str(path),
                stored=(stored or {}).get(name, []) if stored is not None else None))
        return rows

    def show(self, target: str, output: Literal["text", "mermaid", "json"], lang: Language = "de") -> Any:
        """The resolved definition as text for people, a Mermaid diagram, or its JSON form."""
        from engine.workflow_view import render_mermaid, render_text, resolved

        catalog = self.catalog_for(target, lang)
        definition = catalog.load(target)
        if output == "mermaid":
            return render_mermaid(definition, lang)
        if output == "json":
            return resolved(definition)
        return render_text(definition, lang, str(catalog.resolve(target)))

    def simulate(self, target: str, start: dt.date, state: str, catholic_holidays: bool = False,
                 lang: Language = "de") -> SimulationDTO:
        """The planned timeline of one cycle with every due date and reminder, without a database."""
        from notifications.simulation import simulate

        timeline = simulate(self.catalog_for(target, lang).load(target), start, state, catholic_holidays)
        return SimulationDTO.model_validate(as_dict(timeline, lang))

    def migrate(self, workflow: str, to: str, *, ags: str | None = None, every: bool = False,
                maps: Sequence[str] = (), dry_run: bool = False, actor: str = "admin",
                reason: str | None = None, lang: Language = "de") -> MigrationDTO:
        """Plan (and unless ``dry_run`` apply) the move of running cycles to another version;
        ``maps`` are ``OLD_PHASE=NEW_PHASE`` as an administrator writes them. A dry run, or a plan
        with a refused cycle, changes nothing."""
        from engine import migration

        service = self._service().in_language(lang)
        mapping = migration.parse_map(maps, lang)
        planned = migration.plan(service, workflow, to, ags=ags, every=every, mapping=mapping)
        moved = [] if dry_run else migration.apply(service, planned, actor=actor, reason=reason)
        return MigrationDTO.model_validate(dict(planned.as_dict(), dry_run=dry_run, moved=len(moved)))


def _what(d: Definition, p: Planned, lang: Language) -> str:
    if p.kind == "event" and p.label_key in d.events:
        return d.events[p.label_key].label.get(lang)
    if p.kind == "review" and p.label_key in d.phases[p.phase].reviews:
        return d.phases[p.phase].reviews[p.label_key].label.get(lang)
    return d.phase_label(p.phase, lang)


def as_dict(timeline: Timeline, lang: Language) -> dict[str, Any]:
    """The timeline as data in ``lang`` (`zyklus workflow simulate --json`)."""
    d = timeline.definition

    def iso(day: Any) -> str | None:
        return day.isoformat() if day else None

    return {
        "workflow": d.name, "version": d.version, "start": iso(timeline.start), "state": timeline.state,
        "catholic_holidays": timeline.catholic,
        "phases": [{"phase": s.phase, "label": d.phase_label(s.phase, lang), "start": iso(s.start), "due": iso(s.due),
                    "planned_due": iso(s.planned_due),
                    "moved_by": [{"day": iso(x.day), "holiday": x.holiday} for x in s.shifts]}
                   for s in timeline.phases],
        "reminders": [{"on": iso(p.fire_on), "kind": p.kind, "phase": p.phase or None, "what": _what(d, p, lang),
                       "due_on": iso(p.due_on), "roles": list(p.roles)} for p in timeline.reminders],
        "completed_on": iso(timeline.completed_on), "stopped_at": timeline.stopped_at,
        "stopped_at_label": d.phase_label(timeline.stopped_at, lang) if timeline.stopped_at else None,
        "restart": ({"on": iso(timeline.restart_on), "phase": d.restart.phase,
                     "label": d.phase_label(d.restart.phase, lang)}
                    if timeline.restart_on and d.restart else None),
    }
