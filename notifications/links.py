"""Where in the web app a reminder's reader takes the step it asks for.

The one place that knows the web app's addresses, so a mail, a calendar entry or a later
interface links to the same pages. The steps are the status's data (``engine.status.steps``:
record a fact, add a person with a role, advance), not their rendering as commands. AGS and
ids are URL-quoted: they come from definitions and the catalogue, and a ``#`` or ``/`` in one
must not lead to another page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from engine.definitions.model import Definition
from engine.i18n import Language, t


@dataclass(frozen=True)
class Link:
    """A link as a mail shows it: what it does, in the reader's language, and where it goes."""

    text: str
    url: str


@dataclass(frozen=True)
class WebLinks:
    """The pages of one municipality in the web app at ``public_url`` (no trailing slash)."""

    public_url: str
    ags: str

    def municipality(self) -> str:
        return f"{self.public_url}/kommunen/{quote(self.ags, safe='')}"

    def indicator(self, indicator_id: str) -> str:
        """Where an indicator's yearly value is entered."""
        return f"{self.municipality()}/handlungsprogramm#indikator-{quote(indicator_id, safe='')}"

    def meeting(self, meeting_id: int) -> str:
        """A meeting's page: its agenda, and for the coordination the forms that record it."""
        return f"{self.municipality()}/sitzungen/{meeting_id}"

    def candidate(self, candidate_id: int) -> str:
        """Where a council decision the OParl sync found is accepted or dismissed."""
        return f"{self.municipality()}/ratsinformation#vorschlag-{candidate_id}"

    def step(self, step: Mapping[str, Any]) -> str:
        """The page on which a next step (``NextStepDTO`` shape) is taken."""
        action = step["action"]
        if action == "record":
            return f"{self.municipality()}#fakt-{quote(step['fact'], safe='')}"
        if action == "add_person":
            return f"{self.municipality()}/arbeitsstrukturen#neu"
        if action == "advance":
            return f"{self.municipality()}#weiter"
        raise ValueError(f"no page for the step {action!r}")

    def steps(self, steps: Iterable[Mapping[str, Any]], definition: Definition, lang: Language) -> list[Link]:
        """The next steps as links, each saying what is done there."""
        out = []
        for step in steps:
            if step["action"] == "record":
                text = t("mail.link.record", lang, fact=definition.fact_label(step["fact"], lang))
            elif step["action"] == "add_person":
                text = t("mail.link.add_person", lang, role=t(f"role.{step['role']}", lang))
            else:
                text = t("mail.link.advance", lang)
            out.append(Link(text, self.step(step)))
        return out
