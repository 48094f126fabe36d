"""The plan's reference data, as loaded into the database."""

import sqlalchemy as sa

from app.extensions import db
from app.reference import data as ref
from app.reference.models import BuildMode, CareActivityKind, CityPlan, DemonstrationTarget, District, HostType, SixHasItem, WorkerGroup
from app.reference.service import load_reference_data


def test_districts_in_the_order_of_the_plan_with_every_figure(app_ctx):
    districts = db.session.scalars(sa.select(District).order_by(District.sort_order)).all()
    assert [d.name for d in districts] == [
        "涪城区", "游仙区", "安州区", "高新区", "经开区", "科技城新区", "仙海区",
        "江油市", "三台县", "梓潼县", "盐亭县", "平武县", "北川县",
    ]  # fmt: skip
    fucheng = districts[0]
    assert (fucheng.built_by_oct_2021, fucheng.new_2022, fucheng.total_2025) == (4, 9, 39)
    assert (fucheng.progress_2023_percent, fucheng.progress_2024_percent) == (60, 80)
    assert (fucheng.target_2023, fucheng.target_2024) == (24, 32)  # 60 % / 80 % of 39, rounded up
    kejicheng = districts[5]
    assert kejicheng.built_by_oct_2021 == 0  # a blank cell of 附件1
    assert {t.year: t.count for t in kejicheng.demonstration_targets} == {2022: 0, 2023: 1, 2024: 0, 2025: 1}


def test_totals_rows_of_attachments_1_and_2(app_ctx):
    plan = db.session.scalar(sa.select(CityPlan))
    assert (plan.built_by_oct_2021, plan.new_2022, plan.total_2025) == (55, 50, 350)
    assert (plan.progress_2023_percent, plan.progress_2024_percent) == (60, 80)
    assert (
        plan.demonstration_2022,
        plan.demonstration_2023,
        plan.demonstration_2024,
        plan.demonstration_2025,
        plan.demonstration_total,
    ) == (15, 10, 10, 10, 45)


def test_attachment_2_rows_add_up_to_its_totals_row(app_ctx):
    per_year = dict(
        db.session.execute(
            sa.select(DemonstrationTarget.year, sa.func.sum(DemonstrationTarget.count)).group_by(DemonstrationTarget.year)
        ).all()
    )
    assert per_year == {2022: 15, 2023: 10, 2024: 10, 2025: 10}
    assert sum(per_year.values()) == 45


def test_attachment_1_rows_do_not_add_up_to_its_totals_row_in_the_source(app_ctx):
    """附件1 as printed: the district rows add up to 54 / 55 / 349, the 合计 row says 55 / 50 / 350.
    Both are carried; this pins the transcription so nobody 'fixes' one to match the other."""
    sums = db.session.execute(
        sa.select(sa.func.sum(District.built_by_oct_2021), sa.func.sum(District.new_2022), sa.func.sum(District.total_2025))
    ).one()
    assert tuple(sums) == (54, 55, 349)


def test_code_lists(app_ctx):
    def names(model):
        return [r.name for r in db.session.scalars(sa.select(model).order_by(model.sort_order))]

    assert names(WorkerGroup) == [
        "环卫工人", "出租车驾驶员", "交通警察（含协辅警）", "交通协管员", "市政工作人员", "快递员", "送餐员", "城管员",
    ]  # fmt: skip
    assert names(HostType) == [
        "政务服务大厅", "金融网点", "物流快递网点", "环卫场站", "通信营业厅", "商场超市",
        "餐饮住宿", "医院", "加油站", "重点工程工地", "工会服务阵地",
    ]  # fmt: skip
    assert [(b.code, b.kind) for b in db.session.scalars(sa.select(BuildMode).order_by(BuildMode.sort_order))] == [
        ("self_built", "mode"), ("co_built", "mode"), ("china_post", "partner"), ("china_mobile", "partner"),
    ]  # fmt: skip
    assert names(SixHasItem) == [
        "有统一的标识名称", "有合理的站点布局", "有健全的服务设施", "有完善的服务功能", "有规范的管理制度", "有地图可查",
    ]  # fmt: skip
    assert names(CareActivityKind) == ["送温暖", "送清凉", "送文化", "送政策", "送健康", "送安全", "送普惠"]


def test_loading_twice_changes_nothing(app_ctx):
    result = load_reference_data()
    assert (result.created, result.updated) == (0, 0)


def test_loading_repairs_a_changed_figure_but_keeps_a_phone_staff_set(app_ctx):
    district = db.session.get(District, "FC")
    district.total_2025 = 1
    district.union_phone = "0816-1234567"
    db.session.commit()
    result = load_reference_data()
    assert result.updated == 1
    assert district.total_2025 == 39
    assert district.union_phone == "0816-1234567"


def test_seed_reference_command(app):
    result = app.test_cli_runner().invoke(args=["seed", "reference"])
    assert result.exit_code == 0, result.output
    assert "0 rows created" in result.output


def test_reference_endpoint(city_api):
    body = city_api.get("/api/staff/v1/reference").get_json()
    assert len(body["districts"]) == 13
    assert body["districts"][0]["demonstration_total"] == 5
    assert body["city_plan"]["total_2025"] == 350
    assert {d["column"] for d in body["plan_discrepancies"]} == {"built_by_oct_2021", "new_2022", "total_2025"}
    assert len(body["amenities"]) == len(ref.AMENITIES)
    assert len(body["care_activity_kinds"]) == 7


def test_reference_endpoint_needs_sign_in(anon_api):
    assert anon_api.get("/api/staff/v1/reference").status_code == 401
