"""the values a completed cycle's ratings were worked out from, kept with them, so its evaluation
and report show what the council was shown even after a value of those years was corrected

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kept_rating') as batch:
        batch.add_column(sa.Column('series', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kept_rating') as batch:
        batch.drop_column('series')
