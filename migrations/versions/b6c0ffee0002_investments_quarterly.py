"""investments, quarterly submissions

Revision ID: b6c0ffee0002
Revises: a6c0ffee0001
Create Date: 2026-12-01 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6c0ffee0002'
down_revision = 'a6c0ffee0001'
branch_labels = None
depends_on = None


def upgrade():
    # 投入资金 per station and quarter, in 万元 with two decimals (exact: Numeric, never float).
    op.create_table('investments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('union_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('government_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('other_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_investments_quarter')),
    sa.CheckConstraint('union_amount >= 0 AND government_amount >= 0 AND other_amount >= 0', name=op.f('ck_investments_amounts')),
    sa.ForeignKeyConstraint(['district_code'], ['districts.code'], name=op.f('fk_investments_district_code_districts')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_investments_station_id_stations')),
    sa.ForeignKeyConstraint(['updated_by'], ['staff_accounts.id'], name=op.f('fk_investments_updated_by_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investments')),
    sa.UniqueConstraint('station_id', 'year', 'quarter', name='uq_investments_station_year_quarter')
    )
    with op.batch_alter_table('investments', schema=None) as batch_op:
        batch_op.create_index('ix_investments_year_district', ['year', 'district_code'], unique=False)

    # A district's quarterly form (附件3) marked as filed.
    op.create_table('quarterly_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_by_name', sa.String(length=64), nullable=False),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_quarterly_submissions_quarter')),
    sa.ForeignKeyConstraint(['district_code'], ['districts.code'], name=op.f('fk_quarterly_submissions_district_code_districts')),
    sa.ForeignKeyConstraint(['submitted_by'], ['staff_accounts.id'], name=op.f('fk_quarterly_submissions_submitted_by_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarterly_submissions')),
    sa.UniqueConstraint('district_code', 'year', 'quarter', name='uq_quarterly_submissions_district_year_quarter')
    )


def downgrade():
    op.drop_table('quarterly_submissions')
    with op.batch_alter_table('investments', schema=None) as batch_op:
        batch_op.drop_index('ix_investments_year_district')
    op.drop_table('investments')
