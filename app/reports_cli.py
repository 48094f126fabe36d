"""`flask reports …`: the staff reports from the command line (rollup checks, the quarterly form)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

reports = AppGroup("reports", help="统计报表：服务人次、季度报表、质效评估")


# --- the quarterly form, plan progress, quality evaluation -------------------------------------


def _domain_errors(func):
    """Domain errors as one line on stderr and exit status 1, not a traceback."""
    import functools

    from app.core.errors import DomainError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            detail = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in (exc.details or {}).items() if isinstance(v, list))
            raise click.ClickException(f"{exc.message} ({exc.code}) {detail}".strip()) from exc

    return wrapper


def _write(out_path: str, content: bytes) -> None:
    with open(out_path, "wb") as f:
        f.write(content)
    click.echo(f"wrote {out_path} ({len(content)} bytes)")


def _json(data) -> str:
    import json

    from flask import current_app

    return json.dumps(data, ensure_ascii=False, indent=2, default=current_app.json.default)


@reports.command("quarterly")
@click.option("--district", help="区县名称或编码，如 涪城区 或 FC；不填为全市合计")
@click.option("--year", type=int, required=True)
@click.option("--quarter", type=int, help="填报到第几季度；默认：往年为 4，本年为当前季度")
@click.option("--filled-by", help="填报人")
@click.option("--phone", help="联系电话")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), help=".xlsx 或 .json；不填则打印")
@_domain_errors
def quarterly_command(district, year, quarter, filled_by, phone, out_path):
    """The quarterly form (附件3) of a district or the whole city, as XLSX or JSON."""
    from app.accounts.actor import CLI_ACTOR
    from app.reports import quarterly, quarterly_xlsx

    form = quarterly.quarterly_form(CLI_ACTOR, year, district, quarter=quarter, filled_by=filled_by, phone=phone)
    if out_path and out_path.lower().endswith(".xlsx"):
        _write(out_path, quarterly_xlsx.render(form))
    elif out_path:
        _write(out_path, _json(form).encode())
    else:
        click.echo(f"{form['title']}（{form['year']}年）  填报单位：{form['unit']}")
        click.echo("季度    截止上季度  新建  自建  共建  投入总计  工会  政府  其他  服务人次")
        for row in [*form["rows"], form["total"]]:
            if row.get("built_before") is None:
                click.echo(f"{row['label']}  —")
                continue
            m = row["investment"]
            click.echo(
                f"{row['label']}  {row['built_before']}  {row['built_new']}  {row['built_self']}  {row['built_co']}  "
                f"{m['total']}  {m['union']}  {m['government']}  {m['other']}  {row['visits']['total']}"
            )


@reports.command("plan")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="统计日期，默认今天")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@_domain_errors
def plan_command(as_of, as_json):
    """Plan progress: stations built vs 附件1, demonstration stations vs 附件2."""
    from app.accounts.actor import CLI_ACTOR
    from app.reports import plan_progress

    result = plan_progress.plan_progress(CLI_ACTOR, as_of=as_of.date() if as_of else None)
    if as_json:
        click.echo(_json(result))
        return
    click.echo(f"截至 {result['as_of']}")
    rows = [(r["district"]["name"], r) for r in result["districts"]] + [("全市", result["city"])]
    for name, r in rows:
        steps = "  ".join(f"{m['year']}:{'-' if m['built'] is None else m['built']}/{m['target']}({m['state']})" for m in r["milestones"])
        demo = r["demonstration"]
        flag = "正常" if r["on_track"] else "滞后"
        click.echo(f"{name}  在用 {r['built_now']}  {steps}  示范 {demo['count_total']}/{demo['target_total']}  {flag}")


@reports.command("quality")
@click.option("--district", help="区县名称或编码；不填为全市")
@click.option("--to", "to", type=click.DateTime(formats=["%Y-%m-%d"]), help="评估期最后一天，默认今天")
@click.option("--days", type=int, help="评估天数，默认 QUALITY_PERIOD_DAYS")
@click.option("--top", type=int, help="最美站点候选名额，默认 QUALITY_TOP_N")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), help=".xlsx、.csv 或 .json；不填则打印")
@_domain_errors
def quality_command(district, to, days, top, out_path):
    """质效评估: stations ranked by score, top N marked as 最美站点 candidates."""
    from app.accounts.actor import CLI_ACTOR
    from app.reports import quality

    result = quality.evaluate(CLI_ACTOR, district=district, to=to.date() if to else None, days=days, top=top)
    if out_path and out_path.lower().endswith(".xlsx"):
        _write(out_path, quality.to_xlsx(result))
    elif out_path and out_path.lower().endswith(".csv"):
        _write(out_path, quality.to_csv(result))
    elif out_path:
        _write(out_path, _json(result).encode())
    else:
        for r in result["stations"]:
            c = r["components"]
            mark = " ★候选" if r["candidate"] else ""
            click.echo(
                f"{r['rank']:>3}  {r['code']}  {r['name']}  {r['score']:.1f}  "
                + "  ".join(f"{quality.COMPONENT_NAMES[k]} {c[k]:.1f}" for k in quality.COMPONENTS)
                + mark
            )


# --- visits: rollups and the visits report ---------------------------------------------------


@reports.command("verify")
@click.option("--limit", type=int, default=20, show_default=True, help="每张表每类差异最多列出几行")
def verify_command(limit):
    """Recompute the visit rollups from raw check-ins and print every difference (exit 1 if any)."""
    from app.visits import rollups

    differences = rollups.verify(limit=limit)
    for d in differences:
        label = "汇总表缺少或数值不同" if d.kind == "missing" else "汇总表多出或数值不同"
        click.echo(f"{d.table}  {d.kind}（{label}）  {d.row}")
    if differences:
        click.echo(f"发现 {len(differences)} 处差异；用 `flask reports rebuild` 修复", err=True)
        raise SystemExit(1)
    click.echo("汇总表与原始签到记录一致")


@reports.command("rebuild")
def rebuild_command():
    """Recompute every visit rollup from raw check-ins, in one transaction."""
    import time

    from app.visits import rollups

    started = time.perf_counter()
    counts = rollups.rebuild()
    took = time.perf_counter() - started
    click.echo("已重建：" + "，".join(f"{table} {rows} 行" for table, rows in counts.items()) + f"（{took:.1f} 秒）")


@reports.command("visits")
@click.option("--from", "since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--to", "until", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--group-by", type=click.Choice(["city", "district", "station"]), default="district", show_default=True)
@click.option("--period", type=click.Choice(["day", "week", "month", "quarter", "year"]), default="month", show_default=True)
@click.option("--district", help="区县编码，如 FC")
@click.option("--station", help="站点编码")
@click.option("--worker-group")
@click.option("--service")
@click.option("--source", type=click.Choice(["scan", "manual"]))
@click.option("--raw", is_flag=True, help="不读汇总表，直接从原始签到记录计算（核对用）")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), help=".xlsx、.csv 或 .json；不填则打印")
@_domain_errors
def visits_command(since, until, group_by, period, district, station, worker_group, service, source, raw, out_path):
    """The visits report (服务人次), as the staff API gives it."""
    from app.accounts.actor import CLI_ACTOR
    from app.core.spreadsheets import report_export
    from app.visits import report as visit_report

    query = visit_report.query_for(
        CLI_ACTOR,
        since=since.date(),
        until=until.date(),
        group_by=group_by,
        period=period,
        district=district.upper() if district else None,
        station=station,
        worker_group=worker_group,
        service=service,
        source=source,
    )
    report = visit_report.build(query, source="raw" if raw else "rollup")
    if out_path and out_path.lower().endswith((".xlsx", ".csv")):
        _write(out_path, report_export.render(visit_report.as_table(report), out_path.rsplit(".", 1)[1].lower())[0])
    elif out_path:
        _write(out_path, _json(visit_report.as_dict(report)).encode())
    else:
        table = visit_report.as_table(report)
        click.echo("  ".join(table.headers))
        for row in table.rows:
            click.echo("  ".join("" if v is None else str(v) for v in row))
