"""programme runs: runs, participants, events, attendance, awards, their reminders, run advisors

A run groups municipalities for the dates they share (engine.db.run_tables); an advisor's scope
may name a run (advisor_scope.run_id). No existing row changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:14:53.017218
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('programme_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('organiser', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('workflow', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('award_requires', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('programme_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_run_slug'), ['slug'], unique=True)

    op.create_table('run_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['programme_run.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'municipality_id')
    )
    with op.batch_alter_table('run_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_award_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_run_award_run_id'), ['run_id'], unique=False)

    op.create_table('run_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['programme_run.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'key')
    )
    with op.batch_alter_table('run_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_event_run_id'), ['run_id'], unique=False)

    op.create_table('run_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['programme_run.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('run_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_participant_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_run_participant_run_id'), ['run_id'], unique=False)

    op.create_table('run_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['run_event.id'], ),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'municipality_id')
    )
    with op.batch_alter_table('run_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_attendance_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_run_attendance_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('run_timer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('fire_on', sa.Date(), nullable=False),
    sa.Column('fire_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['run_event.id'], ),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('run_timer', schema=None) as batch_op:
        batch_op.create_index('ix_run_timer_due', ['claimed_at', 'fire_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_run_timer_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_run_timer_municipality_id'), ['municipality_id'], unique=False)

    with op.batch_alter_table('advisor_scope', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_advisor_scope_run_id'), ['run_id'], unique=False)
        batch_op.create_foreign_key('fk_advisor_scope_run_id', 'programme_run', ['run_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('advisor_scope', schema=None) as batch_op:
        batch_op.drop_constraint('fk_advisor_scope_run_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_advisor_scope_run_id'))
        batch_op.drop_column('run_id')

    with op.batch_alter_table('run_timer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_timer_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_run_timer_event_id'))
        batch_op.drop_index('ix_run_timer_due')

    op.drop_table('run_timer')
    with op.batch_alter_table('run_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_attendance_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_run_attendance_event_id'))

    op.drop_table('run_attendance')
    with op.batch_alter_table('run_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_participant_run_id'))
        batch_op.drop_index(batch_op.f('ix_run_participant_municipality_id'))

    op.drop_table('run_participant')
    with op.batch_alter_table('run_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_event_run_id'))

    op.drop_table('run_event')
    with op.batch_alter_table('run_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_award_run_id'))
        batch_op.drop_index(batch_op.f('ix_run_award_municipality_id'))

    op.drop_table('run_award')
    with op.batch_alter_table('programme_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_run_slug'))

    op.drop_table('programme_run')
