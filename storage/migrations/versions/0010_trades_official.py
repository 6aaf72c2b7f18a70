"""Trades per person (roster) and the per-campaign choice of site managers' official position.

Revision ID: 0010
Revises: 0009
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'persontrade',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('trade', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('person_id'),
    )
    with op.batch_alter_table('persontrade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persontrade_trade'), ['trade'], unique=False)
    op.create_table(
        'campaignofficialposition',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('set_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('set_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['set_by'], ['person.id']),
        sa.PrimaryKeyConstraint('campaign_id'),
    )


def downgrade() -> None:
    op.drop_table('campaignofficialposition')
    with op.batch_alter_table('persontrade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persontrade_trade'))
    op.drop_table('persontrade')
