"""Results shared by every server (issue 21): a guarded figure computed once per data version.

Revision ID: 0012
Revises: 0011
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        'sharedresult',
        sa.Column('key', S(length=64), nullable=False),
        sa.Column('kind', S(length=40), nullable=False),
        sa.Column('created_at', T(), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.Column('mac', S(length=64), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_sharedresult_created_at', 'sharedresult', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_sharedresult_created_at', table_name='sharedresult')
    op.drop_table('sharedresult')
