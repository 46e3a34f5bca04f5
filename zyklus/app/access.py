"""Who may see and do what, per municipality: the one rule every page and API call applies.

A signed-in account is a :class:`Principal`. Its rights in a municipality follow from the roles
of the person rows registered there with its address (the nesting of engine.roles applies: a
coordinator counts in the core team and the steering group), from its advisor scopes and from
the administrator flag. An advisor's scope is a Land, single municipalities, or programme runs,
whose participants of today count as theirs (zyklus.app.runs):

=================  =====================================================================
read               the steering group (and so everyone in the working structures), the
                   mayor's office, an advisor whose scope covers the municipality, admins
comment            the core team, an advisor in scope, admins
record             the core team (facts, values, goals, measures), admins
advance            the coordination (advance, deadline), admins
manage_people      the coordination, admins
=================  =====================================================================

A municipality the principal may not read does not exist for them: the web and the API answer
404, not 403, so a coordinator of Jena cannot even learn which AGS Weimar's cycle runs under.

A programme run has rights of its own (:class:`RunAction`): its advisors read it and keep its
network conferences and their attendance, which is what accompanying a run means; adding a run,
who takes part, who advises it and the label are the administrators'. Anyone else — an advisor of
another run, a coordinator — does not see the run at all (not found, as for municipalities).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from engine.errors import NotFound, PermissionDenied
from engine.i18n import Language, m


class Action(StrEnum):
    READ = "read"
    COMMENT = "comment"
    RECORD = "record"
    ADVANCE = "advance"
    MANAGE_PEOPLE = "manage_people"


_MEMBER_ROLES: dict[Action, frozenset[str]] = {
    Action.READ: frozenset({"steering_group", "mayor_office"}),
    Action.COMMENT: frozenset({"core_team"}),
    Action.RECORD: frozenset({"core_team"}),
    Action.ADVANCE: frozenset({"coordination"}),
    Action.MANAGE_PEOPLE: frozenset({"coordination"}),
}
_ADVISOR_ACTIONS = frozenset({Action.READ, Action.COMMENT})


class RunAction(StrEnum):
    READ = "read"
    KEEP_EVENTS = "keep_events"
    """Add, change and remove the run's conferences and record their attendance."""
    MANAGE = "manage"
    """Who takes part, who advises, the label: administrators only."""


_RUN_ADVISOR_ACTIONS = frozenset({RunAction.READ, RunAction.KEEP_EVENTS})


@dataclass(frozen=True)
class Principal:
    account_id: int
    email: str
    name: str
    language: Language
    is_admin: bool = False
    memberships: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """AGS -> the groups the person counts in there (effective roles)."""
    advisor_states: frozenset[str] = frozenset()
    advisor_ags: frozenset[str] = frozenset()
    advisor_runs: frozenset[str] = frozenset()
    """The programme runs (slugs) the account advises."""
    advisor_run_ags: frozenset[str] = frozenset()
    """The municipalities taking part in those runs when the principal was built (today): they
    are in the advisor's scope; one that left the run is not any more."""

    @property
    def is_advisor(self) -> bool:
        return bool(self.advisor_states or self.advisor_ags or self.advisor_runs)

    @property
    def sees_all(self) -> bool:
        return self.is_admin

    def advises(self, ags: str, state: str) -> bool:
        return ags in self.advisor_ags or ags in self.advisor_run_ags or state in self.advisor_states

    def may(self, action: Action, ags: str, state: str) -> bool:
        if self.is_admin:
            return True
        if action in _ADVISOR_ACTIONS and self.advises(ags, state):
            return True
        return bool(self.memberships.get(ags, frozenset()) & _MEMBER_ROLES[action])

    def may_run(self, action: RunAction, run: str) -> bool:
        return self.is_admin or (action in _RUN_ADVISOR_ACTIONS and run in self.advisor_runs)

    def require_run(self, action: RunAction, run: str, lang: Language = "de") -> None:
        """Refuse what the principal may not do in the run; a run they may not even read is
        reported as unknown (NotFound), one they read but may not change as PermissionDenied."""
        if self.may_run(action, run):
            return
        if not self.may_run(RunAction.READ, run):
            raise NotFound(m("run.unknown", lang, run=run))
        raise PermissionDenied(m("access.run_denied", lang, action=m(f"access.run_action.{action}", lang).render(lang)))

    def require(self, action: Action, ags: str, state: str, lang: Language = "de") -> None:
        """Refuse what the principal may not do; a municipality they may not even read is
        reported as unknown (NotFound), one they may read but not change as PermissionDenied."""
        if self.may(action, ags, state):
            return
        if not self.may(Action.READ, ags, state):
            raise NotFound(m("municipality.unknown", lang, ags=ags))
        raise PermissionDenied(m("access.denied", lang, action=m(f"access.action.{action}", lang).render(lang)))
