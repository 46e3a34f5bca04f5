"""The shipped mails of programme runs, rendered in both languages from the template check's
sample contexts: a conference reminder, its cancellation, the advisor's weekly digest."""

from __future__ import annotations

import pytest

from notifications.render import MailRenderer
from notifications.template_check import RUN_SAMPLES

SAMPLES = {template: context for template, _kind, context in RUN_SAMPLES}


@pytest.mark.parametrize("lang, subject, line", [
    ("de", "Termin: 1. Netzwerktagung am 15.03.2027 (GNK Thüringen, 3. Durchgang 2027–2029)", "Ort: Erfurt, Augustinerkloster"),
    ("en", "Event: 1. Netzwerktagung on 2027-03-15 (GNK Thüringen, 3. Durchgang 2027–2029)", "Place: Erfurt, Augustinerkloster"),
])
def test_the_conference_reminder(lang: str, subject: str, line: str) -> None:
    mail = MailRenderer(None).render("run_event", lang, SAMPLES["run_event"])
    assert mail.subject == subject and line in mail.text and "Erfurt (AGS 16051000)" in mail.text


def test_the_cancellation_and_the_digest_in_german() -> None:
    renderer = MailRenderer(None)
    cancelled = renderer.render("run_event_cancelled", "de", SAMPLES["run_event_cancelled"])
    assert cancelled.subject == "Abgesagt: 1. Netzwerktagung am 15.03.2027 (GNK Thüringen, 3. Durchgang 2027–2029)"
    digest = renderer.render("run_digest", "de", SAMPLES["run_digest"])
    assert digest.subject == "Wochenübersicht 2027-W11: 1 überfällig"
    assert "Weimar (16055000, GNK Thüringen, 3. Durchgang 2027–2029): Bestandsaufnahme, fällig am 01.03.2027, " \
           "14 Tage überfällig" in digest.text
