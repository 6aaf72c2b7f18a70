"""Sessions of a cohort (issue 18): attendance per session and person; badge reissue trail.

Each existing cohort gets one session (its date, 09:00, its hours, remote when the
cohort is remote, else its site), and its per-cohort attendance moves onto that session.
``badgesuperseded`` keeps the status bit of a credential replaced by ``manage.py badges
reissue``.

Revision ID: 0011
Revises: 0010
"""

import datetime as dt
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime
START = dt.time(9, 0)

COHORTS = sa.table('cascadecohort', sa.column('id', sa.Integer), sa.column('starts_on', sa.Date),
                   sa.column('hours', sa.Float), sa.column('modality', sa.String),
                   sa.column('site_id', sa.Integer))
SESSIONS = sa.table('cascadesession', sa.column('id', sa.Integer),
                    sa.column('cohort_id', sa.Integer), sa.column('number', sa.Integer),
                    sa.column('day', sa.Date), sa.column('start', sa.Time),
                    sa.column('hours', sa.Float), sa.column('remote', sa.Boolean),
                    sa.column('site_id', sa.Integer))
OLD = sa.table('cascadeattendance', sa.column('cohort_id', sa.Integer),
               sa.column('person_id', sa.Integer), sa.column('attended', sa.Boolean),
               sa.column('recorded_by', sa.Integer), sa.column('at', T()))
NEW = sa.table('cascadeattendance', sa.column('session_id', sa.Integer),
               sa.column('cohort_id', sa.Integer), sa.column('person_id', sa.Integer),
               sa.column('attended', sa.Boolean), sa.column('recorded_by', sa.Integer),
               sa.column('at', T()))


def _attendance_table(per_session: bool) -> None:
    cols = [sa.Column('id', sa.Integer(), nullable=False)]
    if per_session:
        cols.append(sa.Column('session_id', sa.Integer(), nullable=False))
    cols += [
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('attended', sa.Boolean(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('at', T(), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cascadecohort.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['recorded_by'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
    ]
    if per_session:
        cols += [sa.ForeignKeyConstraint(['session_id'], ['cascadesession.id']),
                 sa.UniqueConstraint('session_id', 'person_id')]
    else:
        cols.append(sa.UniqueConstraint('cohort_id', 'person_id'))
    op.create_table('cascadeattendance', *cols)
    if per_session:
        op.create_index('ix_cascadeattendance_session_id', 'cascadeattendance', ['session_id'])
    op.create_index('ix_cascadeattendance_cohort_id', 'cascadeattendance', ['cohort_id'])
    op.create_index('ix_cascadeattendance_person_id', 'cascadeattendance', ['person_id'])


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        'cascadesession',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('start', sa.Time(), nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('remote', sa.Boolean(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cascadecohort.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cohort_id', 'number'),
    )
    op.create_index('ix_cascadesession_cohort_id', 'cascadesession', ['cohort_id'])
    cohorts = conn.execute(sa.select(COHORTS).order_by(COHORTS.c.id)).all()
    if cohorts:
        conn.execute(SESSIONS.insert(), [
            {'cohort_id': c.id, 'number': 1, 'day': c.starts_on, 'start': START,
             'hours': float(c.hours or 0.0), 'remote': c.modality == 'remote',
             'site_id': None if c.modality == 'remote' else c.site_id} for c in cohorts])
    session_of = dict(conn.execute(sa.select(SESSIONS.c.cohort_id, SESSIONS.c.id)).all())
    kept = [dict(r._mapping) for r in conn.execute(sa.select(OLD)).all()]
    op.drop_table('cascadeattendance')  # its indexes go with it
    _attendance_table(per_session=True)
    if kept:
        conn.execute(NEW.insert(), [{**r, 'session_id': session_of[r['cohort_id']]} for r in kept])
    op.create_table(
        'badgesuperseded',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('badge_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', S(length=80), nullable=False),
        sa.Column('status_index', sa.Integer(), nullable=False),
        sa.Column('status_url', S(length=300), nullable=False),
        sa.Column('superseded_at', T(), nullable=False),
        sa.ForeignKeyConstraint(['badge_id'], ['badge.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('credential_id'),
        sa.UniqueConstraint('status_index'),
    )
    op.create_index('ix_badgesuperseded_badge_id', 'badgesuperseded', ['badge_id'])


def downgrade() -> None:
    """Back to one mark per cohort: present when every recorded session says present."""
    conn = op.get_bind()
    op.drop_index('ix_badgesuperseded_badge_id', 'badgesuperseded')
    op.drop_table('badgesuperseded')
    rows = conn.execute(sa.select(NEW).order_by(NEW.c.at)).all()
    merged: dict[tuple[int, int], dict] = {}
    for r in rows:
        key = (r.cohort_id, r.person_id)
        had = merged.get(key)
        merged[key] = {'cohort_id': r.cohort_id, 'person_id': r.person_id,
                       'attended': bool(r.attended) and (had is None or had['attended']),
                       'recorded_by': r.recorded_by, 'at': r.at}
    op.drop_table('cascadeattendance')
    _attendance_table(per_session=False)
    if merged:
        conn.execute(OLD.insert(), list(merged.values()))
    op.drop_index('ix_cascadesession_cohort_id', 'cascadesession')
    op.drop_table('cascadesession')
