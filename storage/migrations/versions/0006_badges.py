"""Badges: Open Badges 3.0 credentials for cohorts led or completed (issue 18).

Revision ID: 0006
Revises: 0005
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "badge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("cohort_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("credential_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["revoked_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "plan_id", "cohort_id", "role"),
        sa.UniqueConstraint("credential_id"),
        sa.UniqueConstraint("status_index"),
    )
    with op.batch_alter_table("badge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("badge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_person_id"))
    op.drop_table("badge")
