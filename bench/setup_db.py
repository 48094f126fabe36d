"""`python -m bench.setup_db`: what `flask db upgrade`, `flask seed reference` and `flask staff
create` do for a bench database, in one process (each `flask` call pays for the app's import).
Configured from the environment, as the server is."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.accounts import staff as staff_service
from app.accounts.actor import CLI_ACTOR
from app.accounts.staff_models import StaffAccount
from app.extensions import db
from app.reference import service as reference_service
from bench.server import STAFF_PASSWORD, STAFF_USER


def main() -> None:
    app = create_app()
    with app.app_context():
        upgrade()
        reference_service.load_reference_data()
        if db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == STAFF_USER)) is None:
            staff_service.create_staff(
                CLI_ACTOR, username=STAFF_USER, password=STAFF_PASSWORD, role="city", district=None, display_name="bench", phone=None
            )
        db.session.commit()


if __name__ == "__main__":
    main()
