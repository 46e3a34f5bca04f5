"""Retention: the texts of mails sent more than `[mail] retention_days` ago are cleared by the sweep
(and by `zyklus outbox prune`), the row itself stays, so the record and the idempotency key remain.

Real SQLite and PostgreSQL, a real SMTP server; time travels through the rig's FixedClock.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from notification_support import (ANNA, JOHN, OTHER_AGS, Rig, add_erfurt, build_rig, local, make_settings,
                                  write_config)
from smtp_server import ScriptedHandler
from sqlalchemy.dialects import sqlite as sqlite_dialect

from engine.clock import FixedClock
from engine_support import dump, sqlite_url
from notifications.outbox import clear_bodies_statement
from engine_support import exit_code as zyklus

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

MakeRig = Callable[..., Rig]
START = dt.date(2026, 12, 15)
T0 = local(2026, 12, 15, 9)
KEPT = ("id", "key", "recipient", "subject", "status", "sent_at", "message_id", "attempts", "reply")


def _record(row) -> tuple:  # noqa: ANN001
    return tuple(getattr(row, name) for name in KEPT)


def _rig(make_rig: MakeRig, tmp_path: Path, port: int, retention_days: int) -> Rig:
    rig = make_rig(make_settings(tmp_path, smtp_port=port, mail={"retention_days": retention_days}), T0)
    add_erfurt(rig.service, on=START, people=(ANNA, JOHN))
    return rig


def test_the_sweep_clears_the_texts_of_mails_sent_longer_ago_and_keeps_the_record(
        make_rig: MakeRig, smtp_port: int, tmp_path: Path) -> None:
    rig = _rig(make_rig, tmp_path, smtp_port, retention_days=30)
    rig.sweep()
    sent = rig.outbox()
    assert {r.status for r in sent} == {"sent"} and all(r.text and r.html and r.ics for r in sent)

    assert rig.at(T0 + dt.timedelta(days=29, hours=23)).sweep().bodies_cleared == 0
    assert [(r.text, r.html, r.ics) for r in rig.outbox()] == [(r.text, r.html, r.ics) for r in sent]

    report = rig.at(T0 + dt.timedelta(days=30, minutes=1)).sweep()

    assert report.bodies_cleared == 2 and report.as_dict()["bodies_cleared"] == 2
    cleared = rig.outbox()
    assert [(r.text, r.html, r.ics) for r in cleared] == [("", None, None)] * 2
    assert [_record(r) for r in cleared] == [_record(r) for r in sent]  # key, recipient, subject, status ...
    assert rig.sweep().bodies_cleared == 0  # cleared rows are not touched again


def test_unsent_mails_keep_their_text_however_old(make_rig: MakeRig, start_smtp_server, tmp_path: Path) -> None:
    """A failed mail waits for `outbox retry`, a pending one for its next attempt: both still need their text."""
    handler = ScriptedHandler(data_replies=["550 5.7.1 rejected", "451 4.3.0 later"])
    rig = _rig(make_rig, tmp_path, start_smtp_server(handler), retention_days=1)
    rig.sweep()
    assert sorted(r.status for r in rig.outbox()) == ["failed", "pending"]

    rig.at(T0 + dt.timedelta(days=400)).sweep(deliver=False)

    assert all(r.text and r.html for r in rig.outbox())


def test_zero_keeps_every_text_forever(make_rig: MakeRig, smtp_port: int, tmp_path: Path) -> None:
    rig = _rig(make_rig, tmp_path, smtp_port, retention_days=0)
    rig.sweep()
    before = {r.id: (r.text, r.html, r.ics) for r in rig.outbox()}

    assert rig.at(T0 + dt.timedelta(days=3650)).sweep().bodies_cleared == 0

    assert {r.id: (r.text, r.html, r.ics) for r in rig.outbox() if r.id in before} == before


def test_digested_reminders_are_cleared_with_their_digest(make_rig: MakeRig, smtp_port: int,
                                                          smtp_handler: ScriptedHandler, tmp_path: Path) -> None:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port, mail={"retention_days": 7}), T0)
    add_erfurt(rig.service, on=START, people=(ANNA,), digest_for=(ANNA,))
    add_erfurt(rig.service, on=START, people=(ANNA,), digest_for=(ANNA,), ags=OTHER_AGS, name="Weimar")
    rig.sweep()
    rig.at(local(2026, 12, 16)).sweep()  # the morning digest
    assert sorted(r.status for r in rig.outbox()) == ["digested", "digested", "sent"]
    assert len(smtp_handler.received) == 1

    rig.at(local(2026, 12, 23, 8)).sweep()

    assert {(r.status, r.text) for r in rig.outbox()} == {("digested", ""), ("sent", "")}


def test_the_retention_step_reads_only_mails_whose_text_is_still_stored(tmp_path: Path) -> None:
    """Cheap every sweep: SQLite finds the candidates through the partial index, whose rows are
    exactly the mails that still have a body."""
    from engine.db.database import make_engine
    from zyklus.schema import upgrade

    path = tmp_path / "plan.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    compiled = clear_bodies_statement(T0).compile(dialect=sqlite_dialect.dialect(),
                                                  compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup]
    params = [value.isoformat(" ") if isinstance(value, dt.datetime) else value for value in params]
    with sqlite3.connect(path) as conn:
        plan = " ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {compiled}", params))
    conn.close()
    assert "USING INDEX ix_outbox_body_kept" in plan, plan


# --- the command and the setting ------------------------------------------------------------------------


@pytest.fixture
def on_file(tmp_path: Path, smtp_port: int):
    """A rig on a SQLite file and a config.toml for the same file: the command runs as `zyklus` does."""
    def make(retention_days: int) -> tuple[Rig, Callable[..., int]]:
        settings = make_settings(tmp_path, smtp_port=smtp_port, mail={"retention_days": retention_days})
        rig = build_rig(sqlite_url(tmp_path / "zyklus.db"), FixedClock(T0), settings)
        add_erfurt(rig.service, on=START, people=(ANNA, JOHN))
        rig.sweep()
        config = write_config(tmp_path / "config.toml", settings, tmp_path / "zyklus.db")
        return rig, lambda *args: zyklus("--config", str(config), *args)

    yield make



def test_outbox_prune_clears_what_the_option_says(on_file, capsys, monkeypatch) -> None:
    monkeypatch.delenv("ZYKLUS_DB", raising=False)
    rig, zyklus = on_file(retention_days=0)  # the setting keeps everything
    later = (T0 + dt.timedelta(days=10)).isoformat()

    assert zyklus("--now", later, "outbox", "prune") == 0
    assert "unbegrenzt" in capsys.readouterr().out and all(r.text for r in rig.outbox())

    assert zyklus("--now", later, "outbox", "prune", "--older-than", "9") == 0

    assert capsys.readouterr().out.strip() == (
        "Texte von 2 E-Mail(s) gelöscht, die vor dem 16.12.2026 gesendet wurden; "
        "Empfänger, Betreff, Sendezeit und Message-ID bleiben erhalten.")
    assert {r.text for r in rig.outbox()} == {""}
    assert zyklus("--now", later, "--lang", "en", "outbox", "prune", "--older-than", "9", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"cleared": 0, "retention_days": 9,
                                                   "sent_before": "2026-12-16T09:00:00+01:00"}


def test_outbox_prune_uses_the_setting(on_file, capsys, monkeypatch) -> None:
    monkeypatch.delenv("ZYKLUS_DB", raising=False)
    rig, zyklus = on_file(retention_days=30)

    assert zyklus("--now", (T0 + dt.timedelta(days=31)).isoformat(), "--lang", "en", "outbox", "prune") == 0

    assert capsys.readouterr().out.startswith("Cleared the texts of 2 mail(s) sent before 2026-12-16;")
    assert {r.text for r in rig.outbox()} == {""}


@pytest.mark.parametrize("bad", ["0", "-5"])
def test_outbox_prune_refuses_a_bad_number_and_changes_nothing(on_file, capsys, monkeypatch, tmp_path: Path,
                                                               bad: str) -> None:
    monkeypatch.delenv("ZYKLUS_DB", raising=False)
    _, zyklus = on_file(retention_days=30)
    before = dump(tmp_path / "zyklus.db")

    assert zyklus("--now", (T0 + dt.timedelta(days=100)).isoformat(), "outbox", "prune", "--older-than", bad) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"--older-than {bad}: erwartet wird eine Zahl von Tagen, mindestens 1."]
    assert dump(tmp_path / "zyklus.db") == before


@pytest.mark.parametrize(("value", "problem"), [("-1", "-1 liegt nicht zwischen 0 und 36500"),
                                                ('"30"', "erwartet wird ganze Zahl, gefunden: Text ('30')"),
                                                ("true", "erwartet wird ganze Zahl, gefunden: true oder false (true)"),
                                                ("1.5", "erwartet wird ganze Zahl, gefunden: Zahl (1.5)")])
def test_a_bad_retention_setting_is_one_line_before_anything_happens(tmp_path: Path, capsys, monkeypatch,
                                                                     value: str, problem: str) -> None:
    monkeypatch.delenv("ZYKLUS_DB", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///zyklus.db"\n[mail]\nretention_days = {value}\n',
                      encoding="utf-8")

    assert zyklus("--config", str(config), "init") == 1

    assert capsys.readouterr().err.splitlines() == [f"config.toml: [mail] retention_days: {problem}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no database created
