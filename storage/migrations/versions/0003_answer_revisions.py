"""answer revisions: a save carries the revision it was based on

Every save of a response's answers takes the response's next sequence number;
each answer keeps the number of the save that wrote it. A save based on an
older revision than the stored one is refused for that answer (the newer answer
wins), so a stale screen can never overwrite or erase a newer answer.

Revision ID: 0003
Revises: 0002_sign_in_safety
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, None] = '0002_sign_in_safety'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_seq', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('revision')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('answer_seq')
