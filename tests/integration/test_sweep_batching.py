"""A sweep's reads are batched: the number of statements one sweep runs does not grow with the
number of reminders due. (Each mail quotes the cycle's status; that used to cost four queries per
reminder, which made a national morning sweep slow — see docs/benchmarks.md.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from notification_support import add_erfurt, local, make_settings
from sqlalchemy import event

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

START = dt.date(2027, 1, 4)


def test_statements_per_sweep_do_not_grow_with_the_reminders_due(make_rig, tmp_path: Path) -> None:
    rig = make_rig(make_settings(tmp_path), local(2027, 1, 4, 9))
    statements: list[str] = []
    event.listen(rig.service.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: statements.append(statement))

    def sweep_after_starting(first: int, count: int) -> tuple[int, int]:
        """(mails queued, statements run) by a sweep after ``count`` more cycles began."""
        for i in range(first, first + count):
            add_erfurt(rig.service, ags=f"1605{i:04d}", name=f"Stadt {i}", on=START)
        statements.clear()
        return rig.sweep(deliver=False).queued, len(statements)

    few_mails, few_statements = sweep_after_starting(0, 2)
    many_mails, many_statements = sweep_after_starting(2, 8)
    assert few_mails > 0 and many_mails == 4 * few_mails
    assert many_statements == few_statements
