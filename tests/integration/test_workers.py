"""Several `zyklus serve` processes on one database, and a worker killed mid-batch.

Real processes, a real SMTP server (aiosmtpd) and real databases (SQLite, and PostgreSQL when
ZYKLUS_TEST_PG is set). The workers use the wall clock, so the reminders are made due "now";
the tests wait for mail to arrive (an event), never for a schedule.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from smtp_server import ScriptedHandler
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine_support import make_service
from notifications.wiring import wire_configured
from notifications.tables import Outbox
from notification_support import make_settings

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

MUNICIPALITIES = 20
COORDINATORS = 3  # 60 phase-entered reminders, all due at once: six batches of 10 for three workers


def _seed(database_url: str, tmp_path: Path, now: dt.datetime, municipalities: int, coordinators: int) -> None:
    service = make_service(database_url, FixedClock(now))
    wire_configured(service, make_settings(tmp_path))
    for i in range(municipalities):
        ags = f"16{i:06d}"
        service.add_municipality(ags, f"Gemeinde {i}", state="TH", kind="gemeinde")
        for j in range(coordinators):
            service.add_person(ags, name=f"Koordination {i}-{j}", email=f"k{j}@g{i}.example", roles=["coordination"])
        service.start_cycle(ags, workflow="kommune", on=now.date())
    service.engine.dispose()


def _config(tmp_path: Path, database_url: str, smtp_port: int, concurrency: int = 1, **mail: object) -> Path:
    mail_lines = "".join(f"{key} = {value}\n" for key, value in {"batch_size": 25, **mail}.items())
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\nconcurrency = {concurrency}\n'
        f"[mail]\n{mail_lines}"
        f"[scheduler]\ninterval_seconds = 1\n", encoding="utf-8")
    return path


def _zyklus(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "zyklus.main", "--config", str(config), *args]


class _ServeLog:
    """Reads a `serve` process's stderr as it comes; ``serving`` is set once the process has
    installed its signal handlers and said so."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        self.lines: list[str] = []
        self.serving = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self._reader.start()

    def _read(self, stream) -> None:  # noqa: ANN001 (a text pipe)
        for line in stream:
            self.lines.append(line)
            if "serving: sweep every" in line:
                self.serving.set()

    def text(self) -> str:
        """Everything the process wrote, once it has ended."""
        self._reader.join(timeout=10)
        return "".join(self.lines)


def _statuses(database_url: str) -> Counter[str]:
    from engine.db.database import make_engine

    engine = make_engine(database_url)
    with Session(engine) as session:
        counts = Counter(session.exec(select(Outbox.status)).all())
    engine.dispose()
    return counts


def _message_ids(handler: ScriptedHandler) -> Counter[str]:
    return Counter(r.message["Message-ID"] for r in handler.received)


def test_three_workers_deliver_every_reminder_exactly_once(database_url: str, tmp_path: Path,
                                                           start_smtp_server) -> None:
    handler = ScriptedHandler()
    port = start_smtp_server(handler)
    _seed(database_url, tmp_path, dt.datetime.now(dt.timezone.utc), MUNICIPALITIES, COORDINATORS)
    config = _config(tmp_path, database_url, port, batch_size=10)
    expected = MUNICIPALITIES * COORDINATORS

    workers = [subprocess.Popen(_zyklus(config, "serve"), cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    watches = [_ServeLog(worker) for worker in workers]
    try:
        arrived = handler.wait_for_mail(expected, timeout=120)
        # On a loaded machine two workers can deliver everything while the third still imports;
        # a SIGTERM before its handler is installed would kill it, which is not what is tested.
        serving = [watch.serving.wait(timeout=60) for watch in watches]
    finally:
        for worker in workers:  # each finishes (and records) its running sweep, then exits
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        logs = [watch.text() for watch in watches]
    assert arrived, f"only {len(handler.received)} of {expected} mails arrived"
    assert all(serving), logs

    assert [worker.returncode for worker in workers] == [0, 0, 0], logs
    assert all("Traceback" not in log for log in logs), logs
    ids = _message_ids(handler)
    assert len(handler.received) == expected  # every one delivered ...
    assert len(ids) == expected and max(ids.values()) == 1  # ... none twice
    assert _statuses(database_url) == Counter({"sent": expected})


class AnswerThenHold(ScriptedHandler):
    """Answers the first ``answered`` mails with 250; every later one it stores and holds without
    an answer until ``release()``: those the server has, but the worker cannot know it."""

    def __init__(self, answered: int, connections: int) -> None:
        super().__init__()
        self.answered, self.connections = answered, connections
        self.answered_ids: list[str] = []
        self.held_ids: list[str] = []
        self.all_held = threading.Event()
        """Set once every connection of the worker is stuck in a held DATA."""
        self._holding = True
        self._released: asyncio.Event | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 (aiosmtpd signature)
        if not self._holding or len(self.answered_ids) < self.answered:
            reply = await super().handle_DATA(server, session, envelope)
            if self._holding:
                self.answered_ids.append(self.received[-1].message["Message-ID"])
            return reply
        self.received.append(_received(envelope, session))
        self.held_ids.append(self.received[-1].message["Message-ID"])
        self._released = self._released or asyncio.Event()
        if len(self.held_ids) >= self.connections:
            self.all_held.set()
        await self._released.wait()
        return "451 4.3.0 released after the client died"  # the client is gone; nobody reads this

    def release(self) -> None:
        """From the test's thread: answer everything from now on."""
        self._holding = False
        assert self.controller is not None and self._released is not None
        self.controller.loop.call_soon_threadsafe(self._released.set)


def _received(envelope, session):  # noqa: ANN001, ANN202
    from smtp_server import Received

    return Received(mail_from=envelope.mail_from, rcpt_tos=tuple(envelope.rcpt_tos), content=envelope.content,
                    peer=session.peer, tls=False, login=None)


def _sent_message_ids(database_url: str) -> set[str]:
    from engine.db.database import make_engine

    engine = make_engine(database_url)
    with Session(engine) as session:
        ids = set(session.exec(select(Outbox.message_id).where(Outbox.status == "sent")).all())
    engine.dispose()
    return ids


CONCURRENCY = 2


def test_a_worker_killed_after_twelve_accepted_mails_of_its_batch_resends_only_those_in_flight(
        database_url: str, tmp_path: Path, start_smtp_server) -> None:
    handler = AnswerThenHold(answered=12, connections=CONCURRENCY)
    port = start_smtp_server(handler)
    now = dt.datetime.now(dt.timezone.utc)
    _seed(database_url, tmp_path, now, municipalities=4, coordinators=5)  # 20 mails: one batch of 25
    config = _config(tmp_path, database_url, port, concurrency=CONCURRENCY)

    worker = subprocess.Popen(_zyklus(config, "serve"), cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        # Both connections are in the middle of a DATA the server has stored: the worst moment.
        assert handler.all_held.wait(timeout=60), "the worker never got both connections into a held DATA"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    accepted, in_flight = list(handler.answered_ids), list(handler.held_ids)
    assert len(accepted) == 12 and len(in_flight) == CONCURRENCY
    # Every mail the server answered was recorded before its connection sent the next one.
    assert _sent_message_ids(database_url) == set(accepted)
    assert _statuses(database_url) == Counter({"sent": 12, "sending": 8})

    # A second worker (one sweep, in simulated time after the lease ran out) delivers the rest.
    handler.release()
    later = (now + dt.timedelta(minutes=11)).isoformat()
    result = subprocess.run(_zyklus(config, "remind", "--now", later), cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    ids = _message_ids(handler)
    assert _statuses(database_url) == Counter({"sent": 20})
    assert len(ids) == 20  # every mail arrived
    assert all(ids[message_id] == 1 for message_id in accepted)  # none the server had answered came again
    doubled = {message_id for message_id, count in ids.items() if count > 1}
    assert doubled == set(in_flight) and len(doubled) <= CONCURRENCY  # only those in flight, once more each
    assert sum(ids.values()) == 20 + CONCURRENCY
