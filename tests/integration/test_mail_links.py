"""With ``[web] public_url`` the reminders a sweep composes link into the web app and quote no
commands; without it they keep the `zyklus …` lines (issue "one door", the web app's links)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from notification_support import AGS, add_erfurt, local, make_settings

START = dt.date(2027, 1, 4)
COMMAND = re.compile(r"zyklus (record|advance|person|indicator|measure)")


def _mails(make_rig, tmp_path: Path, **web: str) -> list:
    rig = make_rig(make_settings(tmp_path, web=web), local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=START)
    rig.sweep(deliver=False)
    mails = rig.outbox()
    assert mails
    return mails


def test_with_a_public_url_every_mail_links_to_its_page_and_quotes_no_command(make_rig, tmp_path: Path) -> None:
    mails = _mails(make_rig, tmp_path, public_url="https://zyklus.erfurt.example/")
    for mail in mails:
        assert not COMMAND.search(mail.text + (mail.html or "")), mail.subject
    linked = [mail for mail in mails if f"https://zyklus.erfurt.example/kommunen/{AGS}" in mail.text]
    assert linked, [mail.text for mail in mails]
    for mail in linked:
        urls = set(re.findall(r"https://zyklus\.erfurt\.example/\S+", mail.text))
        assert all(f'href="{url}"' in mail.html for url in urls)


def test_without_a_public_url_the_mails_keep_their_commands(make_rig, tmp_path: Path) -> None:
    mails = _mails(make_rig, tmp_path)
    assert any(COMMAND.search(mail.text) for mail in mails)
    assert not any("/kommunen/" in mail.text for mail in mails)
