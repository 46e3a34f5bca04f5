"""`serve` stops cleanly whenever SIGTERM arrives: before the scheduler has started (the race a
supervisor hits when it stops a worker at once, which used to end in SchedulerNotRunningError and
exit 1), while the first sweep is being handed to the executor (a handler calling shutdown() there
deadlocked on the executor's lock), in the middle of a sweep (it finishes, then serve returns),
and when the kernel hands it to a thread that was running before serve (xdist's, a library's)."""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
from collections.abc import Iterator

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from notifications.scheduler import serve


@pytest.fixture(autouse=True)
def _handlers_restored() -> Iterator[None]:
    """serve installs process-wide handlers; a hang would block the suite, so it is cut at 30 s."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    faulthandler.dump_traceback_later(30, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == mask  # serve gave the signals back


def test_a_signal_before_the_scheduler_runs_stops_it_without_an_error(monkeypatch, caplog) -> None:
    original_start = BackgroundScheduler.start

    def start_after_the_signal(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # sent before the scheduler's state is "running"
        return original_start(self, *args, **kwargs)

    monkeypatch.setattr(BackgroundScheduler, "start", start_after_the_signal)
    sweeps: list[int] = []
    with caplog.at_level(logging.INFO, logger="zyklus.scheduler"):
        serve(lambda: sweeps.append(1), interval_seconds=60, timezone="Europe/Berlin")
    assert len(sweeps) <= 1  # the first tick may have begun; it is let finish, no second one follows
    assert "signal 15: stopping" in caplog.text
    assert "serving: sweep every 60 s" in caplog.text


def test_a_signal_during_a_sweep_lets_it_finish_then_returns(caplog) -> None:
    finished: list[str] = []

    def sweep() -> str:
        os.kill(os.getpid(), signal.SIGTERM)
        finished.append("done")
        return "0 due"

    with caplog.at_level(logging.INFO, logger="zyklus.scheduler"):
        serve(sweep, interval_seconds=60, timezone="Europe/Berlin")
    assert finished == ["done"]
    assert "sweep: 0 due" in caplog.text


def test_a_signal_while_the_first_sweep_is_handed_over_does_not_deadlock(monkeypatch) -> None:
    from apscheduler.executors.pool import ThreadPoolExecutor

    original_submit = ThreadPoolExecutor._do_submit_job
    sweeps: list[int] = []

    def submit_during_the_signal(self, job, run_times):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the executor takes the job
        return original_submit(self, job, run_times)

    monkeypatch.setattr(ThreadPoolExecutor, "_do_submit_job", submit_during_the_signal)
    serve(lambda: sweeps.append(1), interval_seconds=60, timezone="Europe/Berlin")
    assert sweeps == [1]  # the sweep that was handed over ran to its end before serve returned


def test_a_signal_that_reaches_a_thread_started_earlier_still_stops_it() -> None:
    import threading

    done = threading.Event()
    bystander = threading.Thread(target=done.wait, daemon=True)  # a library's thread: signals not blocked
    bystander.start()
    sweeps: list[int] = []

    def sweep() -> None:
        sweeps.append(1)
        signal.pthread_kill(bystander.ident, signal.SIGTERM)  # the kernel may pick any such thread

    try:
        serve(sweep, interval_seconds=60, timezone="Europe/Berlin")
    finally:
        done.set()
    assert sweeps == [1]
