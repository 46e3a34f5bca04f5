"""The one set of mail templates renders, in German and English, byte for byte what the two
sets per language rendered before they were merged (pinned in mail_golden.json, made from
tests/mail_samples.py with the old templates). A change of wording is a change of this file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mail_samples import VARIANTS

from notifications.render import MailRenderer

GOLDEN = json.loads((Path(__file__).parent / "mail_golden.json").read_text(encoding="utf-8"))
RENDERER = MailRenderer(None)


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize(("name", "template", "context"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_mail_renders_as_pinned(name: str, template: str, context: dict, lang: str) -> None:
    mail = RENDERER.render(template, lang, context)  # type: ignore[arg-type]
    expected = GOLDEN[f"{name}/{lang}"]
    assert mail.subject == expected["subject"]
    assert mail.text == expected["text"]
    assert mail.html == expected["html"]
