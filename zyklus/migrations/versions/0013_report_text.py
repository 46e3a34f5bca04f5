"""the sustainability report's texts: Leitbild, foreword, next steps, interpretations

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-11 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report_text', schema=None) as batch_op:
        batch_op.create_index('ix_report_text_cycle_kind', ['cycle_id', 'kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_text', schema=None) as batch_op:
        batch_op.drop_index('ix_report_text_cycle_kind')

    op.drop_table('report_text')
