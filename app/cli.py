"""Command-line tasks: `flask seed reference|demo`, `flask staff create`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.errors import DomainError
from app.services import demo as demo_service
from app.services import reference as reference_service
from app.services import staff as staff_service
from app.services.actor import CLI_ACTOR

seed = AppGroup("seed", help="加载基础数据和演示数据")
staff = AppGroup("staff", help="管理员工账号")


@seed.command("reference")
def seed_reference():
    """Load the work plan's reference data (idempotent)."""
    result = reference_service.load_reference_data()
    click.echo(f"reference data: {result.created} rows created, {result.updated} updated")


@seed.command("demo")
def seed_demo():
    """Load the demo stations and staff accounts (development only, idempotent)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo data is refused in this environment")
    try:
        result = demo_service.load_demo_data()
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"demo data: {result['accounts']} accounts, {result['stations']} stations created")


@staff.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(["city", "district"]), required=True)
@click.option("--district", help="区县名称或前缀，district 角色必填，如 涪城区 或 FC")
@click.option("--name", "display_name", required=True, help="显示名称")
@click.option("--phone")
@click.password_option(help="至少 10 位")
def staff_create(username, role, district, display_name, phone, password):
    """Create a staff account."""
    try:
        account = staff_service.create_staff(
            CLI_ACTOR,
            username=username,
            password=password,
            role=role,
            district=district,
            display_name=display_name,
            phone=phone,
        )
    except DomainError as exc:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in (exc.details or {}).items())
        raise click.ClickException(f"{exc.message} {detail}".strip()) from exc
    click.echo(f"created {account.role} account {account.username}")


def register_cli(app) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(staff)
