"""a programme run's Land and its span (start and end): the conference plan counts from the start,
the label is awarded at the end. Existing runs keep both empty.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('programme_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('programme_run', schema=None) as batch_op:
        batch_op.drop_column('ends_on')
        batch_op.drop_column('starts_on')
        batch_op.drop_column('state')
