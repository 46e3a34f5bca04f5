"""the action programme as a structure: goal levels and parents, SDG sub-targets, resources and
progress of measures, measures linked to indicators

Goals on record become strategic goals without a parent (the server default); no row changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:14:06.849886
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('measure_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('measure_id', 'indicator_id')
    )
    with op.batch_alter_table('measure_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_indicator_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_indicator_measure_id'), ['measure_id'], unique=False)

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=12), server_default='strategic', nullable=False))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sdg', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sdg_target', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
        batch_op.create_foreign_key('fk_goal_parent_id_goal', 'goal', ['parent_id'], ['id'])

    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sdg_target', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('costs', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('staff', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('progress', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_column('progress')
        batch_op.drop_column('staff')
        batch_op.drop_column('costs')

    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('sdg_target')

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_constraint('fk_goal_parent_id_goal', type_='foreignkey')
        batch_op.drop_column('sdg_target')
        batch_op.drop_column('sdg')
        batch_op.drop_column('target_year')
        batch_op.drop_column('parent_id')
        batch_op.drop_column('level')

    with op.batch_alter_table('measure_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_indicator_measure_id'))
        batch_op.drop_index(batch_op.f('ix_measure_indicator_indicator_id'))

    op.drop_table('measure_indicator')
