"""The door's OParl import: sources per municipality, the sync (by hand or by `zyklus serve`),
and the candidates a coordinator accepts or dismisses.

Nothing found on a council information system is written into a cycle by itself: a sync stores
what it fetched and proposes candidates (and tells the coordinators by mail); accepting one
records the resolution fact through the same ``record`` use case a coordinator types, with the
meeting date, the body, the paper reference and the paper's URL. A candidate whose result is not
adopted (deferred, rejected, withdrawn, unknown) cannot be accepted: it does not open the way.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from engine.errors import Conflict, InvalidInput, NotFound
from engine.i18n import Language, format_date, language_of, m, t
from zyklus.app import commands as c
from zyklus.app.cycles import Cycles
from zyklus.app.dto import OParlAcceptedDTO, OParlCandidateDTO, OParlSourceDTO, OParlSyncDTO

if TYPE_CHECKING:
    from sqlmodel import Session

    from engine.db.tables import Municipality
    from engine.events import PersonForgotten
    from engine.service import Service
    from oparl.client import OParlClient
    from oparl.tables import OParlCandidate, OParlSource
    from zyklus.config import Settings

log = logging.getLogger("zyklus.oparl")


class OParl:
    def __init__(self, service: Service, settings: Settings, cycles: Cycles) -> None:
        self._service = service
        self._settings = settings
        self._cycles = cycles

    def _client(self) -> OParlClient:
        from oparl.client import Limits, OParlClient

        get = self._settings.get
        return OParlClient(Limits(timeout_seconds=get("oparl", "timeout_seconds"), retries=get("oparl", "retries"),
                                  retry_base_seconds=get("oparl", "retry_base_seconds"),
                                  max_bytes=get("oparl", "max_response_bytes"),
                                  max_redirects=get("oparl", "max_redirects")))

    # -- sources -------------------------------------------------------------------------------
    def add(self, command: c.AddOParlSource, lang: Language = "de") -> OParlSourceDTO:
        """Read the System (or Body) first: a URL that is no OParl endpoint stores nothing."""
        from oparl.client import OParlError
        from oparl.sync import lists_of
        from oparl.tables import OParlSource
        from sqlmodel import select

        service = self._service.in_language(lang)
        with service.unit() as session:
            service.municipality_in(session, command.ags)  # an unknown AGS before any request
        url = command.url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise InvalidInput(m("oparl.bad_url", lang, url=url))
        try:
            with self._client() as client:
                body = client.body(url, command.body_id)
        except OParlError as error:
            raise InvalidInput(m(error.key, lang, **error.params)) from None
        with service.unit(command.ags) as session:
            municipality = service.municipality_in(session, command.ags)
            row = session.exec(select(OParlSource).where(OParlSource.municipality_id == municipality.id)).first()
            if row is None:
                row = OParlSource(municipality_id=municipality.id, url=url, body_id=body["id"], lists={},
                                  created_at=service.clock.now())
            if row.body_id != body["id"]:
                row.last_sync_at = None  # another Body: read it from the start
            row.url, row.body_id, row.body_name = url, str(body["id"]), str(body.get("name") or "")[:300]
            row.lists, row.reference = lists_of(body), (command.reference or "").strip() or None
            session.add(row)
            session.flush()
            return self._source_dto(session, row, municipality)

    def status(self, lang: Language = "de", ags: str | None = None) -> list[OParlSourceDTO]:
        """Every registered source, or only the municipality ``ags``'s (none or one), by AGS."""
        from sqlmodel import Session, select

        from engine.db.tables import Municipality
        from oparl.tables import OParlSource

        with Session(self._service.engine) as session:
            query = select(OParlSource, Municipality).join(Municipality, Municipality.id == OParlSource.municipality_id)
            if ags is not None:
                query = query.where(Municipality.id == self._service.in_language(lang).municipality_in(session, ags).id)
            rows = session.exec(query.order_by(Municipality.ags)).all()
            return [self._source_dto(session, source, municipality) for source, municipality in rows]

    def _source_dto(self, session: Session, row: OParlSource, municipality: Municipality) -> OParlSourceDTO:
        from sqlalchemy import func
        from sqlmodel import select

        from oparl.tables import OParlCandidate, OParlObject

        objects = session.exec(select(func.count()).select_from(OParlObject)
                               .where(OParlObject.source_id == row.id, OParlObject.deleted == False)).one()  # noqa: E712
        open_ = session.exec(select(func.count()).select_from(OParlCandidate)
                             .where(OParlCandidate.source_id == row.id, OParlCandidate.status == "open")).one()
        return OParlSourceDTO(ags=municipality.ags, url=row.url, body_id=row.body_id, body_name=row.body_name,
                              reference=row.reference, last_sync_at=row.last_sync_at, last_error=row.last_error,
                              objects=objects, open_candidates=open_)

    # -- sync ----------------------------------------------------------------------------------
    def sync(self, ags: str | None = None, lang: Language = "de") -> list[OParlSyncDTO]:
        """Sync one municipality's source (``ags``) or all; each source in its own transaction, so
        one unreachable server does not hold up the others."""
        from sqlmodel import Session, select

        from engine.db.tables import Municipality
        from oparl.tables import OParlSource

        service = self._service.in_language(lang)
        with Session(service.engine) as session:
            query = select(Municipality.ags).join(OParlSource, OParlSource.municipality_id == Municipality.id)
            if ags is not None:
                municipality = service.municipality_in(session, ags)
                query = query.where(Municipality.id == municipality.id)
            chosen = list(session.exec(query.order_by(Municipality.ags)))
        if ags is not None and not chosen:
            raise NotFound(m("oparl.no_source", lang, ags=ags.strip()))
        with self._client() as client:
            return [self._sync_one(one, client, lang) for one in chosen]

    def _sync_one(self, ags: str, client: OParlClient, lang: Language) -> OParlSyncDTO:
        from sqlmodel import select

        from oparl.client import OParlError
        from oparl.matching import refresh_candidates
        from oparl.sync import fetch
        from oparl.tables import OParlSource

        service = self._service.in_language(lang)
        now = service.clock.now()
        try:
            with service.unit(ags) as session:
                municipality = service.municipality_in(session, ags)
                source = session.exec(select(OParlSource).where(OParlSource.municipality_id == municipality.id)).one()
                counts = fetch(session, source, client, now)
                new: list[int] = []
                changed = 0
                try:
                    loaded = service.load(session, ags)
                except (NotFound, InvalidInput):
                    loaded = None  # no running cycle: nothing waits for a resolution
                if loaded is not None:
                    new, changed = refresh_candidates(session, source, loaded.cycle.id, loaded.definition,
                                                      loaded.cycle.phase, {f.type for f in loaded.facts}, now)
                    self._notify(session, loaded, new, now)
        except OParlError as error:
            line = m(error.key, lang, **error.params).render(lang)
            with service.unit(ags) as session:
                municipality = service.municipality_in(session, ags)
                source = session.exec(select(OParlSource).where(OParlSource.municipality_id == municipality.id)).one()
                source.last_error = line
                session.add(source)
            log.warning("oparl sync %s: %s", ags, line)
            return OParlSyncDTO(ags=ags, ok=False, error=line, created=0, updated=0, deleted=0, unchanged=0,
                                new_candidates=0, changed_candidates=0)
        return OParlSyncDTO(ags=ags, ok=True, error=None, created=counts.created, updated=counts.updated,
                            deleted=counts.deleted, unchanged=counts.unchanged, new_candidates=len(new),
                            changed_candidates=changed)

    def scheduled(self) -> tuple[int, Any] | None:
        """``(seconds, job)`` for `zyklus serve` when ``[oparl] interval_minutes`` is set, else None."""
        minutes = self._settings.get("oparl", "interval_minutes")
        if not minutes:
            return None
        return minutes * 60, lambda: [row.as_json() for row in self.sync(lang=self._settings.get("general", "language"))]

    def _notify(self, session: Session, loaded: Any, candidate_ids: list[int], now: dt.datetime) -> None:
        """One mail per new candidate to each coordinator, through the outbox (sent by the next
        sweep or `zyklus serve`). With ``[web] public_url`` it links to the candidate on the
        municipality's Ratsinformation page instead of quoting the commands."""
        if not candidate_ids:
            return
        from notifications.compose import recipients
        from notifications.links import WebLinks
        from notifications.mail import message_id_for
        from notifications.outbox import insert_ignoring_duplicates
        from notifications.tables import Outbox
        from oparl.tables import OParlCandidate

        domain = self._settings.get("mail", "message_id_domain")
        public_url = self._settings.public_url
        web = WebLinks(public_url, loaded.municipality.ags) if public_url else None
        rows = []
        for candidate_id in candidate_ids:
            candidate = session.get(OParlCandidate, candidate_id)
            assert candidate is not None
            for person in recipients(loaded.people, ["coordination"]):
                lang = language_of(person.language)
                key = f"oparl:{candidate_id}:{person.email}"
                values = dict(ags=loaded.municipality.ags, name=loaded.municipality.name, title=candidate.title,
                              reference=candidate.reference or "-", result=candidate.result or "-",
                              outcome=t(f"oparl.outcome.{candidate.outcome}", lang), body=candidate.body_name or "-",
                              date=format_date(candidate.meeting_date, lang) if candidate.meeting_date else "-",
                              url=candidate.url, id=candidate_id, fact=loaded.definition.fact_label(candidate.fact, lang))
                rows.append(Outbox(key=key, cycle_id=loaded.cycle.id, kind="oparl", recipient=person.email,
                                   recipient_name=person.name, language=lang,
                                   subject=t("oparl.notice.subject", lang, **values),
                                   text=t("oparl.notice.text_web", lang, link=web.candidate(candidate_id), **values)
                                   if web else t("oparl.notice.text", lang, **values),
                                   message_id=message_id_for(key, domain), next_attempt_at=now, created_at=now))
        insert_ignoring_duplicates(session, rows)

    # -- candidates ----------------------------------------------------------------------------
    def candidates(self, ags: str, lang: Language = "de", *, all_: bool = False) -> list[OParlCandidateDTO]:
        """The municipality's candidates, newest cycle first; only open ones unless ``all_``."""
        from sqlmodel import Session, col, select

        from engine.db.tables import Cycle
        from oparl.tables import OParlCandidate

        service = self._service.in_language(lang)
        with Session(service.engine) as session:
            municipality = service.municipality_in(session, ags)
            query = select(OParlCandidate, Cycle).join(Cycle, Cycle.id == OParlCandidate.cycle_id).where(
                Cycle.municipality_id == municipality.id)
            if not all_:
                query = query.where(OParlCandidate.status == "open")
            rows = session.exec(query.order_by(col(Cycle.number).desc(), col(OParlCandidate.id))).all()
            return [_candidate_dto(row, municipality.ags, cycle.number) for row, cycle in rows]

    def _open_candidate(self, session: Session, service: Service, command: c.DecideCandidate) -> tuple[Any, OParlCandidate]:
        from oparl.tables import OParlCandidate

        loaded = service.load(session, command.ags)
        candidate = session.get(OParlCandidate, command.candidate_id)
        if candidate is None or candidate.cycle_id != loaded.cycle.id:
            raise NotFound(m("oparl.candidate_unknown", service.lang, id=command.candidate_id,
                             ags=loaded.municipality.ags))
        if candidate.status != "open":
            raise Conflict(m("oparl.candidate_decided", service.lang, id=candidate.id,
                             status=t(f"oparl.status.{candidate.status}", service.lang)))
        service.actor_in(loaded, command.actor)
        return loaded, candidate

    def accept(self, command: c.DecideCandidate, lang: Language = "de") -> OParlAcceptedDTO:
        """Record the candidate as its resolution fact, through ``cycles.record``; refused for
        anything but an adopted result.

        The candidate is claimed first (a compare-and-set from open to accepted), so two
        coordinators accepting at once record the fact once; when recording is refused (a body
        the fact does not know, a cycle that moved on) the claim is given back."""
        from oparl.results import OPENING

        service = self._service.in_language(lang)
        with service.unit(command.ags) as session:
            loaded, candidate = self._open_candidate(session, service, command)
            if candidate.outcome not in OPENING:
                raise InvalidInput(m("oparl.candidate_not_adopted", lang, id=candidate.id,
                                     outcome=t(f"oparl.outcome.{candidate.outcome}", lang),
                                     result=candidate.result or "-"))
            if candidate.meeting_date is None:
                raise InvalidInput(m("oparl.candidate_no_date", lang, id=candidate.id))
            values = _fact_values(loaded.definition.facts[candidate.fact].fields, candidate, command.body)
            on, fact = candidate.meeting_date, candidate.fact
        decided = self._claim(command, "open", "accepted", lang)
        try:
            recorded = self._cycles.record(c.RecordFact(ags=command.ags, fact=fact, actor=command.actor,
                                                        values=values, on=on), lang)
        except BaseException:
            self._claim(command, "accepted", "open", lang)
            raise
        return OParlAcceptedDTO(candidate=decided, fact=recorded)

    def dismiss(self, command: c.DecideCandidate, lang: Language = "de") -> OParlCandidateDTO:
        with self._service.in_language(lang).unit(command.ags) as session:
            self._open_candidate(session, self._service.in_language(lang), command)  # the checks, in words
        return self._claim(command, "open", "dismissed", lang)

    def _claim(self, command: c.DecideCandidate, before: str, after: str, lang: Language) -> OParlCandidateDTO:
        """``UPDATE … SET status = after WHERE id = … AND status = before``: who comes second is
        told the candidate was already decided."""
        from sqlalchemy import update

        from oparl.tables import OParlCandidate

        service = self._service.in_language(lang)
        decided = after != "open"
        with service.unit(command.ags) as session:
            loaded = service.load(session, command.ags)
            changed = session.execute(
                update(OParlCandidate).where(OParlCandidate.id == command.candidate_id,  # type: ignore[arg-type]
                                             OParlCandidate.status == before)  # type: ignore[arg-type]
                .values(status=after, decided_at=service.clock.now() if decided else None,
                        decided_by=command.actor.strip().lower() if decided else None)).rowcount
            row = session.get(OParlCandidate, command.candidate_id)
            assert row is not None
            if changed != 1:
                raise Conflict(m("oparl.candidate_decided", lang, id=row.id,
                                 status=t(f"oparl.status.{row.status}", lang)))
            session.refresh(row)
            return _candidate_dto(row, loaded.municipality.ags, loaded.cycle.number)


def _fact_values(fields: dict[str, Any], candidate: OParlCandidate, body: str | None) -> dict[str, str]:
    """The candidate as the fact's fields, for the fields the fact type has: ``result`` only
    where the definition gives the fact such a choice, ``body`` as the choice the organization's
    name contains ("Stadtrat Musterstadt" → Stadtrat) unless the coordinator names it."""
    values: dict[str, str] = {"date": candidate.meeting_date.isoformat() if candidate.meeting_date else "",
                              "reference": candidate.reference}
    spec = fields.get("body")
    named = body or candidate.body_name
    if spec is not None and spec.type == "choice" and not body:
        named = next((choice for choice in spec.choice_values if choice.lower() in candidate.body_name.lower()), named)
    values["body"] = named
    if "url" in fields:
        values["url"] = candidate.url
    result = fields.get("result")
    if result is not None and result.type == "choice" and candidate.outcome in result.choice_values:
        values["result"] = candidate.outcome
    return {key: value for key, value in values.items() if key in fields and value}


def _candidate_dto(row: OParlCandidate, ags: str, number: int) -> OParlCandidateDTO:
    from oparl.results import OPENING

    assert row.id is not None
    return OParlCandidateDTO(id=row.id, ags=ags, cycle=number, fact=row.fact, status=row.status, paper_id=row.paper_id,
                             reference=row.reference, title=row.title, matched=row.matched, result=row.result,
                             outcome=row.outcome, acceptable=row.outcome in OPENING, resolution_text=row.resolution_text, meeting_date=row.meeting_date,
                             body_name=row.body_name, url=row.url, created_at=row.created_at,
                             decided_by=row.decided_by)


def forget_decider(event: PersonForgotten, session: Session) -> None:
    """`person forget` (a ``PersonForgotten``): the address of who accepted or dismissed a
    candidate becomes the history's pseudonym too (subscribed in bootstrap)."""
    from sqlmodel import select

    from oparl.tables import OParlCandidate

    for row in session.exec(select(OParlCandidate).where(OParlCandidate.decided_by == event.email)):
        row.decided_by = event.pseudonym
        session.add(row)
