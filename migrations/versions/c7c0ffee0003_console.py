"""console

Revision ID: c7c0ffee0003
Revises: b6c0ffee0002
Create Date: 2026-12-01 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7c0ffee0003'
down_revision = 'b6c0ffee0002'
branch_labels = None
depends_on = None


def upgrade():
    pass  # the staff console needed no schema of its own; kept so databases at this revision upgrade


def downgrade():
    pass
