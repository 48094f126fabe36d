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
    pass  # filled by the rollups work


def downgrade():
    pass
