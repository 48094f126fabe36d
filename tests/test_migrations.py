"""The models and the migrations describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db


def test_models_and_migrations_agree(app_ctx):
    # The app fixture built this database with `flask db upgrade`, not create_all.
    # include_name: the app's filter, which leaves the job library's own tables out.
    options = app_ctx.extensions["migrate"].configure_args
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True, "include_name": options["include_name"]})
    diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_were_applied_to_head(app_ctx):
    current = MigrationContext.configure(db.session.connection()).get_current_revision()

    script = ScriptDirectory.from_config(app_ctx.extensions["migrate"].migrate.get_config())
    assert current == script.get_current_head()
