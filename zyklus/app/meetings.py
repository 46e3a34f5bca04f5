"""The door's meetings of the working structures: plan, change, cancel, list, and after the
meeting its attendance, minutes and results (engine/meetings.py holds the rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.i18n import Language, t
from zyklus.app import commands as c
from zyklus.app.dto import MeetingDTO

if TYPE_CHECKING:
    from engine.meetings import MeetingView, Meetings as MeetingRules
    from engine.service import Service


class Meetings:
    def __init__(self, service: Service) -> None:
        self._service = service

    def _rules(self, lang: Language) -> MeetingRules:
        from engine.meetings import Meetings as MeetingRules

        return MeetingRules(self._service.in_language(lang))

    def add(self, command: c.AddMeeting, lang: Language = "de") -> MeetingDTO:
        """Plan a meeting; its members' invitations are outbox rows of the same transaction."""
        return self._dto(self._rules(lang).add(command.ags, actor=command.actor, group=command.group,
                                               starts_at=command.starts_at, place=command.place,
                                               agenda=command.agenda, duration_minutes=command.duration_minutes),
                         lang)

    def change(self, command: c.ChangeMeeting, lang: Language = "de") -> MeetingDTO:
        return self._dto(self._rules(lang).change(command.id, actor=command.actor, starts_at=command.starts_at,
                                                  place=command.place, agenda=command.agenda,
                                                  duration_minutes=command.duration_minutes), lang)

    def cancel(self, command: c.CancelMeeting, lang: Language = "de") -> MeetingDTO:
        return self._dto(self._rules(lang).cancel(command.id, actor=command.actor, reason=command.reason), lang)

    def attend(self, command: c.RecordAttendance, lang: Language = "de") -> MeetingDTO:
        return self._dto(self._rules(lang).attend(command.id, actor=command.actor, count=command.count,
                                                  people=command.people), lang)

    def minutes(self, command: c.RecordMinutes, lang: Language = "de") -> MeetingDTO:
        return self._dto(self._rules(lang).minutes(command.id, actor=command.actor, reference=command.reference),
                         lang)

    def results(self, command: c.RecordResults, lang: Language = "de") -> MeetingDTO:
        return self._dto(self._rules(lang).results(command.id, actor=command.actor, text=command.text), lang)

    def list(self, ags: str, lang: Language = "de") -> list[MeetingDTO]:
        """Every meeting of the municipality (all its cycles), by date."""
        return [self._dto(view, lang) for view in self._rules(lang).list(ags)]

    def get(self, meeting_id: int, lang: Language = "de") -> MeetingDTO:
        return self._dto(self._rules(lang).get(meeting_id), lang)

    def _dto(self, view: MeetingView, lang: Language) -> MeetingDTO:
        row = view.meeting
        status = "cancelled" if row.status == "cancelled" else "held" if view.held else "planned"
        return MeetingDTO(id=row.id, ags=view.ags, cycle=view.cycle, group=row.structure,
                          group_label=t(f"role.{row.structure}", lang),
                          starts_at=row.starts_at.astimezone(self._service.tz),
                          duration_minutes=row.duration_minutes, place=row.place, agenda=row.agenda,
                          status=status, status_label=t(f"meeting.status.{status}", lang), sequence=row.sequence,
                          invited=view.invited, attendance=row.attendance, attendees=list(view.named_attendees),
                          minutes=row.minutes, results=row.results, cancel_reason=row.cancel_reason)
