"""the indicator ratings a completed cycle keeps, shown as its rating in later evaluations

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:16:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kept_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reference_year', sa.Integer(), nullable=False),
    sa.Column('symbol', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('years', sa.JSON(), nullable=False),
    sa.Column('kept_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cycle_id', 'key')
    )


def downgrade() -> None:
    op.drop_table('kept_rating')
