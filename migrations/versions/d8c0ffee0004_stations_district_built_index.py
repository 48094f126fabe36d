"""stations: covering index for the quarterly form's station counts

Revision ID: d8c0ffee0004
Revises: c7c0ffee0003
Create Date: 2026-12-02 06:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd8c0ffee0004'
down_revision = 'c7c0ffee0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stations_district_built',
            ['district_code', 'built_date'],
            unique=False,
            postgresql_include=['build_mode', 'retired_at', 'status'],
        )


def downgrade():
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_index('ix_stations_district_built')
