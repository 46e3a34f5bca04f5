"""oparl sources, fetched objects and resolution candidates

What the OParl import (oparl/tables.py) stores: new tables only, no existing row changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:17:40.316304
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oparl_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('body_id', sa.Text(), nullable=False),
    sa.Column('body_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('lists', sa.JSON(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('last_sync_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality_id')
    )
    op.create_table('oparl_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('fact', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('paper_id', sa.String(length=1000), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('matched', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('consultation_id', sa.Text(), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('resolution_text', sa.Text(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=True),
    sa.Column('body_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['oparl_source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cycle_id', 'paper_id', 'fact', name='uq_oparl_candidate')
    )
    with op.batch_alter_table('oparl_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oparl_candidate_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oparl_candidate_source_id'), ['source_id'], unique=False)

    op.create_table('oparl_object',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('oparl_id', sa.String(length=1000), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('modified', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['oparl_source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'oparl_id', name='uq_oparl_object')
    )
    with op.batch_alter_table('oparl_object', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oparl_object_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_oparl_object_source_id'), ['source_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('oparl_object', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oparl_object_source_id'))
        batch_op.drop_index(batch_op.f('ix_oparl_object_kind'))

    op.drop_table('oparl_object')
    with op.batch_alter_table('oparl_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oparl_candidate_source_id'))
        batch_op.drop_index(batch_op.f('ix_oparl_candidate_cycle_id'))

    op.drop_table('oparl_candidate')
    op.drop_table('oparl_source')
