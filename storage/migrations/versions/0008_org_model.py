"""The organisation's model (issue 20): pedagogical model and resource production, per org or site.

Revision ID: 0008
Revises: 0007
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'orgmodel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('pedagogy', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('production', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.ForeignKeyConstraint(['updated_by'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('scope'),
    )
    with op.batch_alter_table('orgmodel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orgmodel_site_id'), ['site_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('orgmodel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orgmodel_site_id'))
    op.drop_table('orgmodel')
