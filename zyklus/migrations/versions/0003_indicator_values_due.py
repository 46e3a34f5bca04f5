"""indicator.values_due: the yearly day (MM-DD) by which the previous year's value is due

Existing indicators get 31 March, the default for new ones.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('values_due', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False,
                                      server_default='03-31'))


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('values_due')
