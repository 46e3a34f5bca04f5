"""The door's privacy: what is stored about a person (GDPR Art. 15) and erasing them (Art. 17),
across the engine's tables, the outbox and the maildir."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.i18n import Language
from zyklus.app.dto import ForgottenDTO, PersonExportDTO

if TYPE_CHECKING:
    from engine.service import Service


class Privacy:
    def __init__(self, service: Service) -> None:
        self._service = service

    def export(self, email: str, lang: Language = "de") -> PersonExportDTO:
        """Everything stored about the address: memberships, history, facts, mails, and the
        account with its API tokens."""
        from sqlmodel import Session

        from engine.privacy import export_person
        from notifications.privacy import outbox_of
        from zyklus.app.accounts import account_of

        service = self._service.in_language(lang)
        data = export_person(service, email)
        with Session(service.engine) as session:
            data["mails"] = outbox_of(session, data["email"])
            account, tokens = account_of(session, data["email"])
        return PersonExportDTO.model_validate({**data, "account": account, "api_tokens": tokens})

    def forget(self, email: str, lang: Language = "de") -> ForgottenDTO:
        """Erase the person everywhere; the history keeps a pseudonym."""
        from engine.privacy import forget_person

        forgotten = forget_person(self._service.in_language(lang), email)
        return ForgottenDTO(email=forgotten.email, pseudonym=forgotten.pseudonym, compacted=forgotten.compacted)
