"""outbox: partial index ix_outbox_body_kept for clearing the bodies of old sent mails

Only rows that still carry a body are in the index, so the retention step of every sweep
reads just the mails that have aged out since the last one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_body_kept', ['status', 'created_at'], unique=False,
                              sqlite_where=sa.text("text != ''"), postgresql_where=sa.text("text != ''"))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_body_kept', sqlite_where=sa.text("text != ''"),
                            postgresql_where=sa.text("text != ''"))
