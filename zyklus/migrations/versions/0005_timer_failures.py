"""timer.attempts, timer.retry_at, timer.last_error: a reminder that fails is retried, then shown;
outbox.calendar_uid: which calendar entry a mail carried, so its recipients get the cancellation

A reminder whose planning or composing raises is no longer rolled back with its whole batch: it
is marked with its error and retried with backoff; existing timers start with no failures.
Mails sent before this revision have no calendar_uid: their entries are not cancelled.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('retry_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_uid', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('calendar_uid')
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_column('last_error')
        batch_op.drop_column('retry_at')
        batch_op.drop_column('attempts')
