"""Command-line tasks: `flask seed reference|demo`, `flask staff create`, `flask geo rebuild`."""

from __future__ import annotations

import os

import click
import redis
from flask import current_app
from flask.cli import AppGroup

from app.accounts import staff as staff_service
from app.accounts.actor import CLI_ACTOR
from app.core.errors import DomainError
from app.demo import seed as demo_service
from app.extensions import geo_index, redis_store
from app.reference import service as reference_service
from app.reports_cli import reports

seed = AppGroup("seed", help="加载基础数据和演示数据")
signs = AppGroup("signs", help="印制站点标牌")
staff = AppGroup("staff", help="管理员工账号")
wechat = AppGroup("wechat", help="微信接口（本地模拟服务）")
geo = AppGroup("geo", help="附近站点的地理索引（Redis）")
privacy = AppGroup("privacy", help="个人信息保护：隐私保护指引、保留期限")


@seed.command("reference")
def seed_reference():
    """Load the work plan's reference data (idempotent)."""
    result = reference_service.load_reference_data()
    click.echo(f"reference data: {result.created} rows created, {result.updated} updated")


@seed.command("demo")
@click.option("--no-activity", is_flag=True, help="只建站点和账号，不生成 90 天的签到、评价、登记、状态和资金")
def seed_demo(no_activity):
    """Load the demo stations, staff accounts and 90 days of activity (development only, idempotent)."""
    import time

    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo data is refused in this environment")
    started = time.perf_counter()
    try:
        result = demo_service.load_demo_data(activity=not no_activity)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"demo data: {result['accounts']} accounts, {result['stations']} stations created")
    if not no_activity:
        click.echo(
            f"demo activity: {result['visits']} visits scanned, {result['walk_ins']} walk-ins, {result['ratings']} ratings, "
            f"{result['status_posts']} status posts, {result['investments']} investments, {result['tickets']} problem tickets, "
            f"{result['spot_checks']} spot checks, {result['supplies']} supplies created "
            f"({time.perf_counter() - started:.1f} s)"
        )


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


@signs.command("render")
@click.option("--district", help="区县名称或前缀，如 涪城区 或 FC；不填则全市")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), required=True)
def signs_render(district, out_path):
    """Write the signs of a district (or the whole city) into one multi-page PDF."""
    from app.registry.schemas import DISTRICT_BY_NAME
    from app.signs import service as sign_service

    district_code = DISTRICT_BY_NAME.get(district, district.upper() if district else None)
    try:
        codes = sign_service.batch_stations(CLI_ACTOR, district_code)
        with open(out_path, "wb") as out:
            for chunk in sign_service.batch_pdf(CLI_ACTOR, codes):
                out.write(chunk)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{len(codes)} signs written to {out_path}")


@wechat.command("fake")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
@click.option("--quiet", is_flag=True, help="no per-request log lines")
@click.option(
    "--devtools-openid",
    help="开发用：本服务未发出的登录 code（微信开发者工具的 wx.login）以此 openid 登录，如 o-demo-worker",
)
def wechat_fake(host, port, quiet, devtools_openid):
    """Run the fake WeChat API server (development and tests only)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("the fake WeChat server is for development and tests only")
    import fake_wechat  # the fake ships with the code, but only this command loads it

    click.echo(f"fake WeChat on http://{host}:{port}/  (control API: /__control/)")
    app_id = current_app.config["WECHAT_APPID"]
    fake_id = os.environ.get("FAKE_WECHAT_APPID") or fake_wechat.DEFAULT_APPID
    if app_id != fake_id:
        click.echo(f"warning: the app's WECHAT_APPID {app_id!r} is not the fake's {fake_id!r}", err=True)
    if devtools_openid:
        click.echo(f"DevTools mode: codes this fake never minted log in as {devtools_openid!r} (switch: PUT /__control/devtools)")
    fake_wechat.serve(host, port, quiet=quiet, devtools_openid=devtools_openid)


@privacy.command("publish-notice")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def privacy_publish_notice(path):
    """Publish a new version of the privacy notice from a JSON file {"title", "sections": [{"heading",
    "text"}]}: every worker is asked again before their location or photos are used."""
    import json

    from app.privacy import consents

    with open(path, encoding="utf-8") as f:
        body = json.load(f)
    sections = body.get("sections") if isinstance(body, dict) else None
    if not body.get("title") or not sections or not all(isinstance(x, dict) and x.get("heading") and x.get("text") for x in sections):
        raise click.ClickException('the file needs {"title": …, "sections": [{"heading": …, "text": …}, …]}')
    notice = consents.publish_notice(body["title"], [{"heading": x["heading"], "text": x["text"]} for x in sections])
    click.echo(f"published the privacy notice version {notice.version}: every worker will be asked again")


@privacy.command("retention")
def privacy_retention():
    """Run the retention job now (it also runs daily on the job queue) and print what it removed."""
    from app.privacy import retention

    run = retention.run()
    for name, count in sorted(run.removed.items()):
        click.echo(f"{name}: {count}")


@geo.command("rebuild")
def geo_rebuild():
    """Rebuild the Redis geo index of stations from the database (it also rebuilds itself when
    missing, and every GEO_INDEX_REFRESH_SECONDS)."""
    if not redis_store.configured:
        click.echo("Redis is not configured: nearby searches use the database, there is no index to build")
        return
    try:
        count = geo_index.rebuild()
    except redis.RedisError as exc:
        raise click.ClickException(f"Redis failed: {exc}") from exc
    if count is None:
        raise click.ClickException("another process is rebuilding the index, or a station changed meanwhile; try again")
    click.echo(f"geo index rebuilt: {count} stations")


def register_cli(app) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(staff)
    app.cli.add_command(wechat)
    app.cli.add_command(signs)
    app.cli.add_command(geo)
    app.cli.add_command(privacy)
    app.cli.add_command(reports)
