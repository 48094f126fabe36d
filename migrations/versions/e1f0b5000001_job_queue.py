"""job queue: procrastinate's schema (3.10.0) and the at-most-once ledger

Revision ID: e1f0b5000001
Revises: g1c0ffee0007
Create Date: 2026-12-03 18:05:00

The library's schema is a frozen copy (migrations/sql/procrastinate-3.10.0-schema.sql), so this
migration means the same thing whatever version is installed later. Upgrading procrastinate:
add a migration that runs the files of its sql/migrations/ between the two versions.
"""
from pathlib import Path

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1f0b5000001'
down_revision = 'g1c0ffee0007'
branch_labels = None
depends_on = None

SCHEMA = Path(__file__).resolve().parent.parent / "sql" / "procrastinate-3.10.0-schema.sql"
TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs", "procrastinate_workers")
TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status")


def upgrade():
    op.create_table(
        'at_most_once_jobs',
        sa.Column('job_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('task_name', sa.String(length=128), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('detail', sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "state IN ('started', 'done', 'not_done', 'gave_up', 'uncertain')",
            name=op.f('ck_at_most_once_jobs_state'),
        ),
        sa.PrimaryKeyConstraint('job_id', name=op.f('pk_at_most_once_jobs')),
    )
    with op.batch_alter_table('at_most_once_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_at_most_once_jobs_state'), ['state'], unique=False)
    # Straight to psycopg without parameters (so no %-placeholder parsing): the file holds
    # many statements and $$ bodies with % in them.
    op.get_bind().connection.driver_connection.execute(SCHEMA.read_text(encoding="utf-8"))


def downgrade():
    bind = op.get_bind().connection.driver_connection  # psycopg itself: no %-placeholders
    bind.execute("DROP TABLE IF EXISTS " + ", ".join(TABLES) + " CASCADE")
    bind.execute(
        "DO $$ DECLARE f record; BEGIN "
        "FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p "
        "WHERE p.proname LIKE 'procrastinate\\_%' AND p.pronamespace = current_schema()::regnamespace "
        "LOOP EXECUTE 'DROP FUNCTION IF EXISTS ' || f.sig || ' CASCADE'; END LOOP; END $$"
    )
    bind.execute("DROP TYPE IF EXISTS " + ", ".join(TYPES) + " CASCADE")
    with op.batch_alter_table('at_most_once_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_at_most_once_jobs_state'))
    op.drop_table('at_most_once_jobs')
