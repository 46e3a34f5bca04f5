"""The web app's addresses a mail links to, built from the status's steps (notifications.links)."""

from __future__ import annotations

import re

import pytest

from engine.definitions.loader import Catalog
from notifications.links import Link, WebLinks
from notifications.render import MailRenderer
from notifications.template_check import MONITORING_SAMPLES, SAMPLE_COMMON

WEB = WebLinks("https://zyklus.example/app", "16051000")
COMMAND = re.compile(r"zyklus (record|advance|person|indicator|measure)|--as ")


def test_every_step_has_its_page() -> None:
    assert WEB.step({"action": "record", "fact": "council_resolution", "fields": ["body"]}) == \
        "https://zyklus.example/app/kommunen/16051000#fakt-council_resolution"
    assert WEB.step({"action": "add_person", "role": "coordination"}) == \
        "https://zyklus.example/app/kommunen/16051000/arbeitsstrukturen#neu"
    assert WEB.step({"action": "advance"}) == "https://zyklus.example/app/kommunen/16051000#weiter"
    assert WEB.municipality() == "https://zyklus.example/app/kommunen/16051000"
    assert WEB.indicator("ee-strom-anteil") == \
        "https://zyklus.example/app/kommunen/16051000/handlungsprogramm#indikator-ee-strom-anteil"


def test_ags_and_ids_are_quoted() -> None:
    odd = WebLinks("https://zyklus.example", "16/05 1#0")
    assert odd.municipality() == "https://zyklus.example/kommunen/16%2F05%201%230"
    assert odd.indicator("a#b/c ä").endswith("#indikator-a%23b%2Fc%20%C3%A4")
    assert odd.step({"action": "record", "fact": "x?y", "fields": []}).endswith("#fakt-x%3Fy")


def test_an_unknown_step_is_a_bug_not_a_link() -> None:
    with pytest.raises(ValueError, match="teleport"):
        WEB.step({"action": "teleport"})


def test_links_say_what_is_done_there_in_the_readers_language() -> None:
    definition = Catalog().load("kommune")
    fact = next(iter(definition.facts))
    steps = [{"action": "record", "fact": fact, "fields": []}, {"action": "add_person", "role": "coordination"},
             {"action": "advance"}]
    german = WEB.steps(steps, definition, "de")
    assert german[0] == Link(f"Nachweis „{definition.fact_label(fact, 'de')}“ erfassen", WEB.step(steps[0]))
    assert german[1].text == "Person mit der Rolle „Koordination“ hinzufügen"
    assert [link.text for link in WEB.steps(steps, definition, "en")][2] == "Complete the phase"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_with_links_a_reminder_carries_no_commands(lang: str) -> None:
    link = Link("Phase abschließen", WEB.step({"action": "advance"}))
    context = {**SAMPLE_COMMON, "kind": "before", "next_steps": [], "links": [link], "web": WEB}
    mail = MailRenderer(None).render("reminder", lang, context)
    assert f"  - Phase abschließen: {link.url}\n" in mail.text
    assert f'<a href="{link.url}"' in mail.html
    assert not COMMAND.search(mail.text + mail.html)


@pytest.mark.parametrize("template", ["values_due", "stale_measures"])
def test_monitoring_mails_link_to_the_programme_and_carry_no_commands(template: str) -> None:
    context = {**SAMPLE_COMMON, "kind": template, **MONITORING_SAMPLES[template], "web": WEB}
    mail = MailRenderer(None).render(template, "de", context)
    assert not COMMAND.search(mail.text + mail.html)
    url = WEB.indicator("thg-haushalte") if template == "values_due" else WEB.municipality()
    assert url in mail.text and f'href="{url}"' in mail.html
