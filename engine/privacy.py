"""Personal data of the working structures: access (GDPR Art. 15) and erasure (Art. 17).

zyklus stores, per person: name, work e-mail, roles, organisation, language, digest choice and
the consent to be named in published reports. The history must stay consistent after erasure,
so the person's address there is replaced by a random pseudonym that maps back to nobody.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from engine import validate
from engine.db.tables import Cycle, Fact, History, Municipality, Person
from engine.errors import NotFound
from engine.events import PersonForgotten
from engine.i18n import t
from engine.service import Service


def _people(session: Session, email: str) -> list[tuple[Person, Municipality]]:
    return list(session.exec(select(Person, Municipality).join(Municipality).where(Person.email == email)))


def export_person(service: Service, email: str) -> dict[str, Any]:
    """Everything the engine keeps about one address, across municipalities."""
    email = validate.email(email, service.lang)
    with Session(service.engine) as session:
        found = _people(session, email)
        if not found:
            raise NotFound(t("person.nowhere", service.lang, email=email))
        history = session.exec(select(History, Cycle.number, Municipality.ags)
                               .join(Cycle, col(History.cycle_id) == Cycle.id).join(Municipality)
                               .where(History.actor == email).order_by(col(History.id))).all()
        facts = session.exec(select(Fact, Municipality.ags).join(Cycle, col(Fact.cycle_id) == Cycle.id)
                             .join(Municipality).where(Fact.actor == email).order_by(col(Fact.id))).all()
        return {
            "email": email,
            "memberships": [{"ags": m.ags, "municipality": m.name, "name": p.name, "roles": p.roles,
                             "organisation": p.organisation, "consent_publish": p.consent_publish,
                             "language": p.language, "digest": p.digest, "registered_at": p.created_at.isoformat()}
                            for p, m in found],
            "history": [{"ags": ags, "cycle": n, "on": h.on.isoformat(), "kind": h.kind, "trigger": h.trigger,
                         "from": h.from_phase, "to": h.to_phase, "reason": h.reason} for h, n, ags in history],
            "facts_recorded": [{"ags": ags, "type": f.type, "on": f.on.isoformat(), "fields": f.fields}
                               for f, ags in facts],
        }


def forget_person(service: Service, email: str) -> str:
    """Delete the person everywhere and replace their address in history and facts by a pseudonym.
    Subscribers (the outbox) scrub their rows in the same transaction. Returns the pseudonym."""
    email = validate.email(email, service.lang)
    pseudonym = f"person-{secrets.token_hex(5)}"
    with service.unit() as session:
        found = _people(session, email)
        if not found:
            raise NotFound(t("person.nowhere", service.lang, email=email))
        session.execute(update(History).where(col(History.actor) == email).values(actor=pseudonym))
        session.execute(update(Fact).where(col(Fact.actor) == email).values(actor=pseudonym))
        for person, _municipality in found:
            session.delete(person)
        service.bus.publish(PersonForgotten(email, pseudonym), session)
    return pseudonym
