"""Learners' voice: anonymous learners' links, their answers, a per-link throttle and releases.

Revision ID: 0009
Revises: 0008
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        'learnerlink',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('cohort', S(length=120), nullable=False),
        sa.Column('token_hash', S(length=64), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', T(), nullable=False),
        sa.Column('closed_at', T(), nullable=True),
        sa.Column('closed_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.ForeignKeyConstraint(['created_by'], ['person.id']),
        sa.ForeignKeyConstraint(['closed_by'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_learnerlink_campaign_id', 'learnerlink', ['campaign_id'])
    op.create_index('ix_learnerlink_site_id', 'learnerlink', ['site_id'])
    op.create_table(
        'learnerresponse',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('device_hash', S(length=64), nullable=False),
        sa.Column('questionnaire_version', sa.Integer(), nullable=False),
        sa.Column('submitted_at', T(), nullable=False),
        sa.ForeignKeyConstraint(['link_id'], ['learnerlink.id']),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('link_id', 'device_hash'),
    )
    op.create_index('ix_learnerresponse_link_id', 'learnerresponse', ['link_id'])
    op.create_index('ix_learnerresponse_campaign_id', 'learnerresponse', ['campaign_id'])
    op.create_index('ix_learnerresponse_site_id', 'learnerresponse', ['site_id'])
    op.create_table(
        'learneranswer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('item_id', S(length=60), nullable=False),
        sa.Column('value', sa.Integer(), nullable=True),
        sa.Column('not_applicable', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['learnerresponse.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('response_id', 'item_id'),
    )
    op.create_index('ix_learneranswer_response_id', 'learneranswer', ['response_id'])
    op.create_table(
        'learnerthrottle',
        sa.Column('key_hash', S(length=64), nullable=False),
        sa.Column('window_start', T(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key_hash'),
    )
    op.create_table(
        'learnerrelease',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('figure', S(length=160), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('population', sa.JSON(), nullable=False),
        sa.Column('reason', S(length=20), nullable=False),
        sa.Column('released_at', T(), nullable=False),
        sa.Column('viewer_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['viewer_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_learnerrelease_campaign_id', 'learnerrelease', ['campaign_id'])


def downgrade() -> None:
    for table in ('learnerrelease', 'learnerthrottle', 'learneranswer', 'learnerresponse', 'learnerlink'):
        op.drop_table(table)
