"""A configured SMTP username with `security = "none"` means AUTH over plain text: `remind` and
`serve` say so once on stderr, in the user's language, and still deliver (a local relay may need it).
The server here accepts AUTH without TLS, as such a relay does, so the test sees the credentials
arrive unencrypted — what the warning is about.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from notification_support import ANNA, JOHN, add_erfurt, build_rig, local, make_settings, write_config
from smtp_server import ScriptedHandler, free_port, password_authenticator

from engine.clock import FixedClock
from engine_support import sqlite_url
from zyklus.main import run

T0 = local(2026, 12, 15, 9)
CREDENTIALS = ("relay-user", "relay-pässword")
WARNING = {
    "de": 'Warnung: [smtp] username ist gesetzt, aber security = "none": Benutzername und Passwort gehen '
          'unverschlüsselt über das Netz. Bitte "starttls" oder "tls" verwenden.',
    "en": 'Warning: [smtp] username is set with security = "none": the user name and password cross the '
          'network unencrypted. Use "starttls" or "tls".',
}


def _remind(tmp_path: Path, port: int, lang: str, **smtp: object) -> int:
    settings = make_settings(tmp_path, smtp_port=port, smtp=smtp)
    rig = build_rig(sqlite_url(tmp_path / "zyklus.db"), FixedClock(T0), settings)
    add_erfurt(rig.service, on=dt.date(2026, 12, 15), people=(ANNA, JOHN))  # two mails, one warning
    rig.service.engine.dispose()
    config = write_config(tmp_path / "config.toml", settings, tmp_path / "zyklus.db")
    try:
        return run(["--config", str(config), "--lang", lang, "--now", T0.isoformat(), "remind"])
    except SystemExit as exit_:
        return int(exit_.code or 0)


@pytest.fixture
def plaintext_auth_server():
    """A relay that takes AUTH over an unencrypted connection (aiosmtpd refuses that by default)."""
    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), auth_required=True,
                            auth_require_tls=False, authenticator=password_authenticator(*CREDENTIALS))
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd agrees with us
@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_username_without_encryption_is_warned_about_once(tmp_path: Path, plaintext_auth_server, capsys,
                                                            monkeypatch, lang: str) -> None:
    monkeypatch.delenv("ZYKLUS_DB", raising=False)
    monkeypatch.setenv("ZYKLUS_SMTP_PASSWORD", CREDENTIALS[1])
    handler, port = plaintext_auth_server

    code = _remind(tmp_path, port, lang, security="none", username=CREDENTIALS[0])

    assert code == 0
    assert capsys.readouterr().err.splitlines() == [WARNING[lang]]  # once, not once per mail
    assert [(r.tls, r.login) for r in handler.received] == [(False, CREDENTIALS[0].encode())] * 2  # in the clear


@pytest.mark.parametrize("smtp", [{"security": "none", "username": ""},
                                  {"security": "tls", "username": "relay-user"},
                                  {"security": "starttls", "username": "relay-user"}],
                         ids=["no-username", "tls", "starttls"])
def test_no_warning_without_credentials_or_with_encryption(tmp_path: Path, unused_smtp_port: int, capsys,
                                                           monkeypatch, smtp: dict[str, str]) -> None:
    monkeypatch.delenv("ZYKLUS_DB", raising=False)

    code = _remind(tmp_path, unused_smtp_port, "de", **smtp)  # nobody listens: the mails wait for a retry

    assert code == 0
    assert "Warnung" not in capsys.readouterr().err
