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
    pass  # filled by the quarterly-form work


def downgrade():
    pass
