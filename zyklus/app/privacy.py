"""The door's privacy: what is stored about a person (GDPR Art. 15) and erasing them (Art. 17),
across the engine's tables, the outbox and the maildir."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.i18n import Language
from zyklus.app.dto import ForgottenDTO

if TYPE_CHECKING:
    from engine.service import Service


class Privacy:
    def __init__(self, service: Service) -> None:
        self._service = service

    def export(self, email: str, lang: Language = "de") -> dict[str, Any]:
        """Everything stored about the address: memberships, history, facts and mails."""
        from sqlmodel import Session

        from engine.privacy import export_person
        from notifications.privacy import outbox_of

        service = self._service.in_language(lang)
        data = export_person(service, email)
        with Session(service.engine) as session:
            data["mails"] = outbox_of(session, data["email"])
        return data

    def forget(self, email: str, lang: Language = "de") -> ForgottenDTO:
        """Erase the person everywhere; the history keeps a pseudonym."""
        from engine.privacy import forget_person

        forgotten = forget_person(self._service.in_language(lang), email)
        return ForgottenDTO(email=forgotten.email, pseudonym=forgotten.pseudonym, compacted=forgotten.compacted)
