"""Disclosure releases: the population each figure shows, recorded as it is released.

Revision ID: 0004
Revises: 0003
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'disclosurerelease',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('figure', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('population', sa.JSON(), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('released_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('viewer_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['viewer_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('disclosurerelease', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosurerelease_campaign_id'), ['campaign_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('disclosurerelease', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosurerelease_campaign_id'))
    op.drop_table('disclosurerelease')
