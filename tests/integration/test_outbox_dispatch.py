"""The outbox between the sweep and a real SMTP server: retries with backoff, permanent failures,
a server that is down, concurrent sweeps, crashes between sending and recording, STARTTLS + AUTH.

Every mail in these tests is the phase-entered mail of a cycle started "now" (or the reminders
after it), so the interesting part is what happens on the wire and in the outbox row.
"""

from __future__ import annotations

import datetime as dt
import mailbox
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from notification_support import (ANNA, DOMAIN, JOHN, Rig, add_erfurt, by_recipient, local, make_settings,
                                  server_on)
from smtp_server import ScriptedHandler, TlsFiles, dead_port

from notifications.mail import message_id_for
from notifications.outbox import LEASE, RetryPolicy, claim, record, to_mail
from notifications.setup import PASSWORD_ENV
from notifications.smtp import DeliveryOutcome, SmtpSettings, deliver_sync

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

MakeRig = Callable[..., Rig]
START = dt.date(2026, 12, 15)
T0 = local(2026, 12, 15, 9)
TEMPORARY = "451 4.3.0 Try again later"


def one_mail_rig(make_rig: MakeRig, tmp_path, port: int, **sections) -> Rig:
    """Erfurt with one coordinator: the cycle's start produces exactly one mail."""
    rig = make_rig(make_settings(tmp_path, smtp_port=port, **sections), T0)
    add_erfurt(rig.service, on=START, people=(ANNA,))
    return rig


# --- temporary failures -------------------------------------------------------------------------------------


def test_451_then_250_is_retried_after_the_backoff(make_rig: MakeRig, start_smtp_server, tmp_path) -> None:
    handler = ScriptedHandler(data_replies=[TEMPORARY])
    rig = one_mail_rig(make_rig, tmp_path, start_smtp_server(handler))

    report = rig.sweep()

    assert report.delivery == {"sent": 0, "retry": 1, "failed": 0}
    [row] = rig.outbox()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, TEMPORARY)
    assert row.next_attempt_at == T0 + dt.timedelta(seconds=300)  # retry_base_seconds
    assert handler.received == []

    rig.at(T0 + dt.timedelta(seconds=299)).sweep()  # not yet
    assert rig.outbox()[0].attempts == 1 and handler.received == []

    rig.at(T0 + dt.timedelta(seconds=300)).sweep()

    [row] = rig.outbox()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert row.reply.startswith("250 ") and row.sent_at == T0 + dt.timedelta(seconds=300)
    [received] = handler.received
    assert received.message["Message-ID"] == row.message_id


def test_a_4xx_storm_backs_off_exponentially_then_fails(make_rig: MakeRig, start_smtp_server, tmp_path) -> None:
    handler = ScriptedHandler(data_replies=[TEMPORARY] * 10)
    rig = one_mail_rig(make_rig, tmp_path, start_smtp_server(handler),
                       mail={"max_attempts": 5, "retry_base_seconds": 60, "retry_max_seconds": 86400})

    delays = []
    moment = T0
    for attempt in range(1, 5):
        rig.at(moment).sweep()
        [row] = rig.outbox()
        assert (row.status, row.attempts) == ("pending", attempt)
        delays.append((row.next_attempt_at - moment).total_seconds())
        moment = row.next_attempt_at
    assert delays == [60, 120, 240, 480]

    rig.at(moment).sweep()  # the fifth and last attempt

    [row] = rig.outbox()
    assert (row.status, row.attempts, row.last_error) == ("failed", 5, TEMPORARY)
    rig.at(moment + dt.timedelta(days=30)).sweep()
    assert rig.outbox()[0].attempts == 5 and handler.received == []  # failed rows wait for an operator


def test_backoff_is_capped(make_rig: MakeRig, start_smtp_server, tmp_path) -> None:
    handler = ScriptedHandler(data_replies=[TEMPORARY] * 10)
    rig = one_mail_rig(make_rig, tmp_path, start_smtp_server(handler),
                       mail={"retry_base_seconds": 3600, "retry_max_seconds": 4 * 3600})
    moment, delays = T0, []
    for _ in range(5):
        rig.at(moment).sweep()
        row = rig.outbox()[0]
        delays.append((row.next_attempt_at - moment).total_seconds() / 3600)
        moment = row.next_attempt_at
    assert delays == [1, 2, 4, 4, 4]


# --- permanent failures -------------------------------------------------------------------------------------


def test_550_fails_at_once_and_keeps_the_reply(make_rig: MakeRig, start_smtp_server, tmp_path) -> None:
    handler = ScriptedHandler(data_replies=["550 5.7.1 Message rejected"])
    rig = one_mail_rig(make_rig, tmp_path, start_smtp_server(handler))

    assert rig.sweep().delivery == {"sent": 0, "retry": 0, "failed": 1}

    [row] = rig.outbox()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "550 5.7.1 Message rejected")
    rig.at(T0 + dt.timedelta(days=1)).sweep()
    assert rig.outbox()[0].status == "failed" and handler.received == []
    # the CLI's view and `outbox retry` are exercised in test_notification_cli.py


# --- the server is down --------------------------------------------------------------------------------------


def test_server_down_keeps_the_mail_pending_until_it_is_up(make_rig: MakeRig, tmp_path) -> None:
    with dead_port() as port:  # nothing listens here
        rig = one_mail_rig(make_rig, tmp_path, port)
        report = rig.sweep()
        rig.at(T0 + dt.timedelta(seconds=300)).sweep()

    assert report.delivery == {"sent": 0, "retry": 1, "failed": 0}
    [row] = rig.outbox()
    assert (row.status, row.attempts) == ("pending", 2)
    assert "Error connecting" in row.last_error or "Connection refused" in row.last_error

    handler = ScriptedHandler()
    with server_on(port, handler):  # the same configuration, the server is back
        rig.at(row.next_attempt_at).sweep()

    [row] = rig.outbox()
    assert (row.status, row.attempts) == ("sent", 3)
    assert [r.message["Message-ID"] for r in handler.received] == [row.message_id]


# --- exactly one mail per reminder -----------------------------------------------------------------------------


def test_two_sweeps_at_the_same_moment_send_one_mail(make_rig: MakeRig, smtp_port: int,
                                                       smtp_handler: ScriptedHandler, tmp_path) -> None:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), T0)
    add_erfurt(rig.service, on=START)

    first, second = rig.sweep(), rig.sweep()
    rig.at(local(2027, 3, 1))
    third, fourth = rig.sweep(), rig.sweep()

    assert (first.queued, second.queued, third.queued, fourth.queued) == (2, 0, 2, 0)
    assert second.claimed == fourth.claimed == 0
    assert Counter(r.message["Message-ID"] for r in smtp_handler.received) == Counter(
        {row.message_id: 1 for row in rig.outbox()})
    assert len(smtp_handler.received) == 4


def race(workers: list[Rig], **options) -> list:
    """Run one sweep per worker in its own thread, released together."""
    barrier = threading.Barrier(len(workers))
    reports, errors = [], []

    def run(worker: Rig) -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(worker.sweep(**options))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(reports) == len(workers)
    return reports


def test_two_sweepers_in_two_threads_on_one_database_send_each_mail_once(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path) -> None:
    settings = make_settings(tmp_path, smtp_port=smtp_port, mail={"batch_size": 3})
    rig = make_rig(settings, T0)
    add_erfurt(rig.service, on=START)
    for n in range(1, 6):  # more municipalities, so there is more than one batch to fight over
        add_erfurt(rig.service, on=START, ags=f"1606{n}000", name=f"Gemeinde {n}")
    rig.sweep()
    smtp_handler.received.clear()
    moment = local(2027, 4, 12, 9)  # every deadline is overdue: one escalation per person and town
    workers = [make_rig(settings, moment), make_rig(settings, moment)]  # two processes, one file

    claimed = race(workers, deliver=False)  # both claim timers and write the outbox at once
    delivered = race(workers)  # both lease and send at once

    assert sum(r.claimed for r in claimed) == 6 * 8  # each timer claimed by exactly one of them
    rows = rig.outbox(kind="escalation")
    assert len(rows) == 6 * 4 and {r.status for r in rows} == {"sent"}
    assert sum(r.delivery["sent"] for r in delivered) == 6 * 4
    received = Counter(r.message["Message-ID"] for r in smtp_handler.received)
    assert received == Counter({row.message_id: 1 for row in rows})


# --- a crash between sending and recording ----------------------------------------------------------------------


def test_resend_after_a_crash_carries_the_same_message_id(make_rig: MakeRig, smtp_port: int,
                                                          smtp_handler: ScriptedHandler, tmp_path) -> None:
    rig = one_mail_rig(make_rig, tmp_path, smtp_port)
    rig.sweep(deliver=False)  # the outbox row is written, nothing sent yet
    [row] = rig.outbox()
    assert row.status == "pending"

    # a worker leases the row, hands the mail to the server, and dies before recording it
    [leased] = claim(rig.service.engine, T0, limit=10)
    deliver_sync([to_mail(leased, rig.settings.get("smtp", "sender"))],
                 SmtpSettings(host="127.0.0.1", port=smtp_port, security="none", timeout=10))
    assert rig.outbox()[0].status == "sending"

    rig.at(T0 + LEASE - dt.timedelta(seconds=1)).sweep()  # the lease still holds: nobody else sends it
    assert len(smtp_handler.received) == 1

    rig.at(T0 + LEASE + dt.timedelta(seconds=1)).sweep()

    [row] = rig.outbox()
    assert (row.status, row.attempts) == ("sent", 1)
    first, again = smtp_handler.received
    assert first.message["Message-ID"] == again.message["Message-ID"] == message_id_for(row.key, DOMAIN)
    assert row.key == f"{row.cycle_id}:setup:0:enter:1:{ANNA}"


def test_a_crashed_workers_late_record_does_not_overwrite_the_new_lease(make_rig: MakeRig, smtp_port: int,
                                                                         smtp_handler: ScriptedHandler,
                                                                         tmp_path) -> None:
    rig = one_mail_rig(make_rig, tmp_path, smtp_port)
    rig.sweep(deliver=False)
    [stale] = claim(rig.service.engine, T0, limit=10)
    rig.at(T0 + LEASE + dt.timedelta(seconds=1)).sweep()  # re-leased and sent by a healthy sweep

    with rig.service.engine.connect() as conn:
        record(conn, stale, DeliveryOutcome(stale.key, "failed", "550 late"), T0 + dt.timedelta(hours=1), RetryPolicy())

    assert rig.outbox()[0].status == "sent"


# --- STARTTLS and AUTH through the sweeper -----------------------------------------------------------------------


CREDENTIALS = ("zyklus", "s3cret-pässword")


@pytest.fixture
def tls_rig(make_rig: MakeRig, start_smtp_server, tls_files: TlsFiles, tmp_path, monkeypatch):
    def make(password: str | None) -> tuple[Rig, ScriptedHandler]:
        handler = ScriptedHandler()
        port = start_smtp_server(handler, tls=tls_files, credentials=CREDENTIALS)
        if password is None:
            monkeypatch.delenv(PASSWORD_ENV, raising=False)
        else:
            monkeypatch.setenv(PASSWORD_ENV, password)
        settings = make_settings(tmp_path, smtp_port=port,
                                 smtp={"security": "starttls", "username": CREDENTIALS[0], "validate_certs": True,
                                       # the server's self-signed certificate, trusted as an administrator would
                                       "ca_file": str(tls_files.cert)})
        rig = make_rig(settings, T0)
        add_erfurt(rig.service, on=START, people=(ANNA, JOHN))
        return rig, handler

    return make


def test_starttls_and_auth_with_the_password_from_the_environment(tls_rig) -> None:
    rig, handler = tls_rig(CREDENTIALS[1])

    assert rig.sweep().delivery == {"sent": 2, "retry": 0, "failed": 0}

    assert {r.tls for r in handler.received} == {True}
    assert {r.login for r in handler.received} == {CREDENTIALS[0].encode()}
    assert set(by_recipient(handler)) == {ANNA, JOHN}


def test_wrong_password_fails_visibly(tls_rig) -> None:
    rig, handler = tls_rig("not-the-password")

    rig.sweep()

    rows = rig.outbox()
    assert {r.status for r in rows} == {"failed"}
    assert all(r.last_error.startswith("535") for r in rows)
    assert handler.received == []


# --- no SMTP server configured --------------------------------------------------------------------------------------


def test_without_an_smtp_host_mails_go_to_the_local_maildir(make_rig: MakeRig, tmp_path) -> None:
    rig = make_rig(make_settings(tmp_path), T0)  # smtp.host = "": the embedded default
    add_erfurt(rig.service, on=START, people=(ANNA, JOHN))

    assert rig.sweep().delivery == {"sent": 2, "retry": 0, "failed": 0}

    box = mailbox.Maildir(tmp_path / "maildir", create=False)
    assert sorted(message["To"] for message in box) == sorted([ANNA, JOHN])
    assert {message["Message-ID"] for message in box} == {row.message_id for row in rig.outbox()}
    assert {row.status for row in rig.outbox()} == {"sent"}
