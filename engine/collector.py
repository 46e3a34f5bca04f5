"""Pausing Python's cyclic garbage collector while one large read builds its result.

Reading the status of every municipality allocates a few hundred thousand small containers
(result rows, fact views, status dicts) that all stay alive until the read returns. Each few
hundred allocations start a collection, and the older generations are traversed again and again
while the heap grows: at 10,800 municipalities the collector took about 60 % of the read
(docs/benchmarks.md, benchmark 7). Nothing the read builds forms a reference cycle that would
need the collector; reference counting frees what it drops either way. So the collector is
paused for the read and resumed after it, and what it would have found is found by the next
collection.

The switch is process-wide: while a read runs, another thread's garbage cycles wait for the
collector too, for that read's duration (well under a second). Nested and concurrent pauses
are counted, so the collector resumes only when the last one ends, and only if it was running
before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
