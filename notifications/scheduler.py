"""`zyklus serve`: APScheduler 3.11 ticking the sweep, and nothing else.

Due times live in zyklus's own tables, so the scheduler holds one in-memory interval job and
no pickled jobs: nothing is lost when it restarts, and the first run happens at start-up, which
makes up for everything missed while it was down (the anchor study's lesson on the 1 s default
misfire grace time). A failing sweep (database briefly unreachable) is logged; the next one
catches up because nothing it would have done was marked done.

SIGTERM and SIGINT are blocked before the scheduler's threads exist and taken with
``sigtimedwait`` in the main thread, so no work runs inside a signal handler: a handler calling
``shutdown()`` could interrupt the main thread while it held the executor's lock and deadlock, or
arrive before the scheduler ran and fail with SchedulerNotRunningError (both seen when a
supervisor stopped a worker right after starting it). A thread started before ``serve`` (by a
library) does not block them and may be the one the kernel hands the signal to; for that case a
handler only notes it, and the main thread, waking each second, sees the note.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger("zyklus.scheduler")

_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def serve(run_sweep: Callable[[], Any], interval_seconds: int, timezone: str,
          also: tuple[int, Callable[[], Any]] | None = None) -> None:
    """Run until SIGTERM or SIGINT, then return once the running sweep has finished.
    ``also``: a second job and its interval in seconds (the OParl sync), run the same way."""
    received: list[int] = []

    def note(signum: int, _frame: Any) -> None:  # the signal reached a thread that does not block it
        received.append(signum)

    previous_handlers = {signum: signal.signal(signum, note) for signum in _STOP_SIGNALS}
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)  # inherited by the threads below
    try:
        scheduler = BackgroundScheduler(timezone=timezone)
        for name, job, seconds in [("sweep", run_sweep, interval_seconds),
                                   *([("oparl", also[1], also[0])] if also else [])]:
            scheduler.add_job(_ticking(name, job), IntervalTrigger(seconds=seconds), id=name, replace_existing=True,
                              coalesce=True, max_instances=1, misfire_grace_time=None,
                              next_run_time=dt.datetime.now(dt.timezone.utc))
        scheduler.start()
        log.info("serving: sweep every %s s", interval_seconds)
        while not received:  # a signal sent earlier is pending and returns at once
            taken = signal.sigtimedwait(_STOP_SIGNALS, 1.0)
            if taken is not None:
                received.append(taken.si_signo)
        log.info("signal %s: stopping after the running sweep", received[0])
        scheduler.shutdown(wait=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)


def _ticking(name: str, job: Callable[[], Any]) -> Callable[[], None]:
    def tick() -> None:
        try:
            report = job()
            log.info("%s: %s", name, report)
        except Exception:  # keep serving; the next tick retries everything still due
            log.exception("%s failed; the next run will catch up", name)

    return tick
