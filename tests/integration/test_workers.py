"""Several `zyklus serve` processes on one database, and a worker killed mid-dispatch.

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

from smtp_server import ScriptedHandler
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine_support import make_service
from notifications.setup import planner_for
from notifications.tables import Outbox
from notification_support import make_settings

MUNICIPALITIES = 60
COORDINATORS = 5  # 300 phase-entered reminders, all due at once


def _seed(database_url: str, tmp_path: Path, now: dt.datetime, municipalities: int, coordinators: int) -> None:
    service = make_service(database_url, FixedClock(now))
    service.bus.subscribe(planner_for(service, make_settings(tmp_path)))
    for i in range(municipalities):
        ags = f"16{i:06d}"
        service.add_municipality(ags, f"Gemeinde {i}", state="TH", kind="gemeinde")
        for j in range(coordinators):
            service.add_person(ags, name=f"Koordination {i}-{j}", email=f"k{j}@g{i}.example", roles=["coordination"])
        service.start_cycle(ags, workflow="kommune", on=now.date())
    service.engine.dispose()


def _config(tmp_path: Path, database_url: str, smtp_port: int, **mail: object) -> Path:
    mail_lines = "".join(f"{key} = {value}\n" for key, value in {"batch_size": 25, **mail}.items())
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\nconcurrency = 1\n'
        f"[mail]\n{mail_lines}"
        f"[scheduler]\ninterval_seconds = 1\n", encoding="utf-8")
    return path


def _zyklus(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "zyklus.main", "--config", str(config), *args]


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
    config = _config(tmp_path, database_url, port)
    expected = MUNICIPALITIES * COORDINATORS

    workers = [subprocess.Popen(_zyklus(config, "serve"), cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    try:
        arrived = handler.wait_for_mail(expected, timeout=120)
    finally:
        for worker in workers:  # each finishes (and records) its running sweep, then exits
            worker.send_signal(signal.SIGTERM)
        logs = [worker.communicate(timeout=60)[1] for worker in workers]
    assert arrived, f"only {len(handler.received)} of {expected} mails arrived"

    assert [worker.returncode for worker in workers] == [0, 0, 0], logs
    assert all("Traceback" not in log for log in logs), logs
    ids = _message_ids(handler)
    assert len(handler.received) == expected  # every one delivered ...
    assert len(ids) == expected and max(ids.values()) == 1  # ... none twice
    assert _statuses(database_url) == Counter({"sent": expected})


class AcceptThenHang(ScriptedHandler):
    """Stores the first message, then never answers its DATA: the worker is mid-dispatch with a
    mail the server already has — the one case where at-least-once delivery sends twice."""

    def __init__(self) -> None:
        super().__init__()
        self.hung = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 (aiosmtpd signature)
        if not self.hung.is_set():
            self.received.append(_received(envelope, session))
            self.hung.set()
            await asyncio.Event().wait()
        return await super().handle_DATA(server, session, envelope)


def _received(envelope, session):  # noqa: ANN001, ANN202
    from smtp_server import Received

    return Received(mail_from=envelope.mail_from, rcpt_tos=tuple(envelope.rcpt_tos), content=envelope.content,
                    peer=session.peer, tls=False, login=None)


def test_a_worker_killed_mid_dispatch_loses_nothing_and_resends_one_with_the_same_message_id(
        database_url: str, tmp_path: Path, start_smtp_server) -> None:
    handler = AcceptThenHang()
    port = start_smtp_server(handler)
    now = dt.datetime.now(dt.timezone.utc)
    _seed(database_url, tmp_path, now, municipalities=4, coordinators=5)
    config = _config(tmp_path, database_url, port)

    worker = subprocess.Popen(_zyklus(config, "serve"), cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        assert handler.hung.wait(timeout=60), "the worker never reached the middle of a dispatch"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    in_flight = handler.received[0].message["Message-ID"]
    assert _statuses(database_url)["sending"] >= 1  # leased, never recorded: the worker died

    # The restarted worker (one sweep, in simulated time after the lease ran out) finishes the job.
    later = (now + dt.timedelta(minutes=11)).isoformat()
    result = subprocess.run(_zyklus(config, "remind", "--now", later), cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    ids = _message_ids(handler)
    assert _statuses(database_url) == Counter({"sent": 20})
    assert len(ids) == 20  # every reminder delivered
    assert ids[in_flight] == 2  # the one in flight went out again, recognisably the same mail
    assert sum(ids.values()) == 21  # and nothing else twice
