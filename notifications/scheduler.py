"""`zyklus serve`: APScheduler 3.11 ticking the sweep, and nothing else.

Due times live in zyklus's own tables, so the scheduler holds one in-memory interval job and
no pickled jobs: nothing is lost when it restarts, and the first run happens at start-up, which
makes up for everything missed while it was down (the anchor study's lesson on the 1 s default
misfire grace time). A failing sweep (database briefly unreachable) is logged; the next one
catches up because nothing it would have done was marked done.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger("zyklus.scheduler")


def serve(run_sweep: Callable[[], Any], interval_seconds: int, timezone: str,
          also: tuple[int, Callable[[], Any]] | None = None) -> None:
    """``also``: a second job and its interval in seconds (the OParl sync), run the same way."""
    scheduler = BlockingScheduler(timezone=timezone)
    for name, job, seconds in [("sweep", run_sweep, interval_seconds), *([("oparl", also[1], also[0])] if also else [])]:
        scheduler.add_job(_ticking(name, job), IntervalTrigger(seconds=seconds), id=name, replace_existing=True,
                          coalesce=True, max_instances=1, misfire_grace_time=None,
                          next_run_time=dt.datetime.now(dt.timezone.utc))

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping after the running sweep", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("serving: sweep every %s s", interval_seconds)
    scheduler.start()


def _ticking(name: str, job: Callable[[], Any]) -> Callable[[], None]:
    def tick() -> None:
        try:
            report = job()
            log.info("%s: %s", name, report)
        except Exception:  # keep serving; the next tick retries everything still due
            log.exception("%s failed; the next run will catch up", name)

    return tick
