"""Cascade loop (issue 18): training requests, published cohorts, seats, attendance.

Revision ID: 0005
Revises: 0004
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        'cascaderequest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('areas', sa.JSON(), nullable=False),
        sa.Column('status', S(length=20), nullable=False),
        sa.Column('created_at', T(), nullable=False),
        sa.Column('updated_at', T(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'person_id'),
    )
    op.create_index('ix_cascaderequest_campaign_id', 'cascaderequest', ['campaign_id'])
    op.create_index('ix_cascaderequest_person_id', 'cascaderequest', ['person_id'])
    op.create_table(
        'cascadecohort',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('key', S(length=80), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('relay_id', sa.Integer(), nullable=True),
        sa.Column('area', S(length=40), nullable=False),
        sa.Column('modality', S(length=20), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False),
        sa.Column('status', S(length=20), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['cohortplan.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'key'),
    )
    op.create_index('ix_cascadecohort_plan_id', 'cascadecohort', ['plan_id'])
    op.create_index('ix_cascadecohort_relay_id', 'cascadecohort', ['relay_id'])
    op.create_table(
        'cascadeseat',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('status', S(length=20), nullable=False),
        sa.Column('source', S(length=20), nullable=False),
        sa.Column('updated_at', T(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cascadecohort.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cohort_id', 'person_id'),
    )
    op.create_index('ix_cascadeseat_cohort_id', 'cascadeseat', ['cohort_id'])
    op.create_index('ix_cascadeseat_person_id', 'cascadeseat', ['person_id'])
    op.create_table(
        'cascadeattendance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('attended', sa.Boolean(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('at', T(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cascadecohort.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['recorded_by'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cohort_id', 'person_id'),
    )
    op.create_index('ix_cascadeattendance_cohort_id', 'cascadeattendance', ['cohort_id'])
    op.create_index('ix_cascadeattendance_person_id', 'cascadeattendance', ['person_id'])


def downgrade() -> None:
    for table in ('cascadeattendance', 'cascadeseat', 'cascadecohort', 'cascaderequest'):
        op.drop_table(table)
