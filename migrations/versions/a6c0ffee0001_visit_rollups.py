"""visit rollups

Revision ID: a6c0ffee0001
Revises: 3a7ca5ca9019
Create Date: 2026-12-01 11:40:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'a6c0ffee0001'
down_revision = '3a7ca5ca9019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'visit_day_station',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('station_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('worker_group', sa.String(length=32), nullable=False),
        sa.Column('district_code', sa.String(length=8), nullable=False),
        sa.Column('visits', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'station_id', 'source', 'worker_group', name=op.f('pk_visit_day_station')),
    )
    op.create_index('ix_visit_day_station_district_day', 'visit_day_station', ['district_code', 'day'], unique=False)
    op.create_table(
        'visit_day_district',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('district_code', sa.String(length=8), nullable=False),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('worker_group', sa.String(length=32), nullable=False),
        sa.Column('visits', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'district_code', 'source', 'worker_group', name=op.f('pk_visit_day_district')),
    )
    op.create_table(
        'visit_day_service',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('district_code', sa.String(length=8), nullable=False),
        sa.Column('service', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('worker_group', sa.String(length=32), nullable=False),
        sa.Column('visits', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'district_code', 'service', 'source', 'worker_group', name=op.f('pk_visit_day_service')),
    )
    op.create_index('ix_visit_day_service_service_day', 'visit_day_service', ['service', 'day'], unique=False)
    op.create_table(
        'visit_day_workers',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('scope', sa.String(length=8), nullable=False),
        sa.Column('scope_key', sa.String(length=16), nullable=False),
        sa.Column('district_code', sa.String(length=8), nullable=False),
        sa.Column('new_day', sa.Integer(), nullable=False),
        sa.Column('new_week', sa.Integer(), nullable=False),
        sa.Column('new_month', sa.Integer(), nullable=False),
        sa.Column('new_quarter', sa.Integer(), nullable=False),
        sa.Column('new_year', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'scope', 'scope_key', name=op.f('pk_visit_day_workers')),
    )
    op.create_index('ix_visit_day_workers_scope_district_day', 'visit_day_workers', ['scope', 'district_code', 'day'], unique=False)
    # Visits recorded before this migration: fill the rollups from them (set-based, one pass).
    from app.services.rollups import rebuild_sql

    for statement in rebuild_sql(daily_only=True):
        op.execute(sa.text(statement))


def downgrade():
    op.drop_index('ix_visit_day_workers_scope_district_day', table_name='visit_day_workers')
    op.drop_table('visit_day_workers')
    op.drop_index('ix_visit_day_service_service_day', table_name='visit_day_service')
    op.drop_table('visit_day_service')
    op.drop_table('visit_day_district')
    op.drop_index('ix_visit_day_station_district_day', table_name='visit_day_station')
    op.drop_table('visit_day_station')
