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

    def require(self, action: Action, ags: str, state: str, lang: Language = "de") -> None:
        """Refuse what the principal may not do; a municipality they may not even read is
        reported as unknown (NotFound), one they may read but not change as PermissionDenied."""
        if self.may(action, ags, state):
            return
        if not self.may(Action.READ, ags, state):
            raise NotFound(m("municipality.unknown", lang, ags=ags))
        raise PermissionDenied(m("access.denied", lang, action=m(f"access.action.{action}", lang).render(lang)))
