"""Mianyang's reference data, transcribed from the 2022 work plan (绵工办发〔2022〕24号).

This module is the single source of the figures: `flask seed reference` loads it into the
database and the schemas validate codes against it. A blank cell of the plan is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PLAN_DOCUMENT = "绵工办发〔2022〕24号"
CITY_UNION = "绵阳市总工会"
CITY_UNION_DEPARTMENT = "绵阳市总工会保障部"
CITY_UNION_PHONE = "2307122"
CITY_UNION_EMAIL = "mybzb122@163.com"

# 附件1: 2023 and 2024 are shares of each district's 2025 total.
PROGRESS_2023_PERCENT = 60
PROGRESS_2024_PERCENT = 80
DEMONSTRATION_YEARS = (2022, 2023, 2024, 2025)


@dataclass(frozen=True)
class DistrictRow:
    code: str  # prefix of the district's station codes, e.g. FC0001
    name: str
    built_by_oct_2021: int  # 截止 2021 年 10 月各地站点数
    new_2022: int  # 2022 年新建站点数
    total_2025: int  # 2025 年建成站点总数
    demonstration: dict[int, int] = field(default_factory=dict)  # 附件2, year -> count
    demonstration_total: int = 0  # 附件2 总数, checked against the years on load
    # Where the district's stations are, for the coordinate sanity check of demo data.
    centre: tuple[float, float] = (0.0, 0.0)  # GCJ-02 (lat, lng), approximate


# In the order of 附件1; demonstration figures from 附件2.
DISTRICTS: tuple[DistrictRow, ...] = (
    DistrictRow("FC", "涪城区", 4, 9, 39, {2022: 2, 2023: 1, 2024: 1, 2025: 1}, 5, (31.4567, 104.7462)),
    DistrictRow("YX", "游仙区", 6, 7, 39, {2022: 2, 2023: 1, 2024: 1, 2025: 1}, 5, (31.4765, 104.7790)),
    DistrictRow("AZ", "安州区", 2, 5, 35, {2022: 1, 2023: 1, 2024: 1, 2025: 1}, 4, (31.5372, 104.5702)),
    DistrictRow("GX", "高新区", 6, 3, 18, {2022: 1, 2023: 1}, 2, (31.4330, 104.6860)),
    DistrictRow("JK", "经开区", 1, 2, 18, {2022: 1, 2023: 1}, 2, (31.4170, 104.7510)),
    DistrictRow("KJ", "科技城新区", 0, 2, 6, {2023: 1, 2025: 1}, 2, (31.5480, 104.7170)),
    DistrictRow("XH", "仙海区", 0, 2, 4, {2024: 1}, 1, (31.5030, 104.8380)),
    DistrictRow("JY", "江油市", 7, 6, 35, {2022: 2, 2023: 1, 2024: 1, 2025: 1}, 5, (31.7810, 104.7500)),
    DistrictRow("ST", "三台县", 8, 5, 35, {2022: 2, 2023: 1, 2024: 1, 2025: 1}, 5, (31.0980, 105.0930)),
    DistrictRow("ZT", "梓潼县", 6, 4, 30, {2022: 1, 2023: 1, 2024: 1, 2025: 1}, 4, (31.6380, 105.1640)),
    DistrictRow("YT", "盐亭县", 7, 4, 32, {2022: 1, 2023: 1, 2024: 1, 2025: 1}, 4, (31.2110, 105.3920)),
    DistrictRow("PW", "平武县", 3, 3, 29, {2022: 1, 2024: 1, 2025: 1}, 3, (32.4120, 104.5580)),
    DistrictRow("BC", "北川县", 4, 3, 29, {2022: 1, 2024: 1, 2025: 1}, 3, (31.6200, 104.4710)),
)

# The 合计 rows of 附件1 and 附件2 as printed. The plan's text sets the city's goals with the
# same figures (不少于 350 个站点, 不少于 45 个示范站点), so these are the city's targets.
# 附件2's rows add up to its 合计 row. 附件1's do not: its district rows add up to 54 / 55 / 349
# (see PLAN_ROW_SUMS_AS_PRINTED); the product carries both and shows the difference.
PLAN_TOTALS = {"built_by_oct_2021": 55, "new_2022": 50, "total_2025": 350}
PLAN_ROW_SUMS_AS_PRINTED = {"built_by_oct_2021": 54, "new_2022": 55, "total_2025": 349}
DEMONSTRATION_TOTALS = {2022: 15, 2023: 10, 2024: 10, 2025: 10, "total": 45}

# 三、分类打造: the outdoor workers the stations serve.
WORKER_GROUPS: tuple[tuple[str, str], ...] = (
    ("sanitation", "环卫工人"),
    ("taxi_driver", "出租车驾驶员"),
    ("traffic_police", "交通警察（含协辅警）"),
    ("traffic_warden", "交通协管员"),
    ("municipal", "市政工作人员"),
    ("courier", "快递员"),
    ("food_delivery", "送餐员"),
    ("city_management", "城管员"),
)

# 三、分类打造: the places a co-built station may be hosted by.
HOST_TYPES: tuple[tuple[str, str], ...] = (
    ("government_service_hall", "政务服务大厅"),
    ("financial_branch", "金融网点"),
    ("logistics_outlet", "物流快递网点"),
    ("sanitation_depot", "环卫场站"),
    ("telecom_hall", "通信营业厅"),
    ("shopping", "商场超市"),
    ("catering_lodging", "餐饮住宿"),
    ("hospital", "医院"),
    ("petrol_station", "加油站"),
    ("construction_site", "重点工程工地"),
    ("union_facility", "工会服务阵地"),
)

# Build modes (自建 / 共建) and the two partner programmes named in the plan.
BUILD_MODES: tuple[tuple[str, str, str], ...] = (
    ("self_built", "工会自建", "mode"),
    ("co_built", "与有关单位共建", "mode"),
    ("china_post", "劳动者驿站（中国邮政、邮储银行共建，川工发〔2019〕27号）", "partner"),
    ("china_mobile", "爱心便民服务点（中国移动共建，川移联合〔2019〕2号）", "partner"),
)

# 四、(二) the 六有 standard a station must meet before it is plaqued.
SIX_HAS_ITEMS: tuple[tuple[str, str], ...] = (
    ("unified_sign", "有统一的标识名称"),
    ("reasonable_layout", "有合理的站点布局"),
    ("facilities", "有健全的服务设施"),
    ("functions", "有完善的服务功能"),
    ("management_rules", "有规范的管理制度"),
    ("on_map", "有地图可查"),
)

# 附件5: the seven kinds of care activity.
CARE_ACTIVITY_KINDS: tuple[tuple[str, str, str], ...] = (
    ("warmth", "送温暖", "结合元旦春节走访慰问，张贴慰问信，发放慰问金、慰问品。"),
    ("cooling", "送清凉", "结合送清凉活动，慰问一线户外劳动者。"),
    ("culture", "送文化", "邀请劳模工匠开展宣传教育，发挥图书角作用，组织读书活动。"),
    ("policy", "送政策", "推送就业创业信息，宣传根治欠薪、休息休假等政策法规。"),
    ("health", "送健康", "开展健康知识讲座、义诊，引导参加职工互助保障计划。"),
    ("safety", "送安全", "宣传安全生产法、职业病防治法及劳动安全卫生知识。"),
    ("benefits", "送普惠", "宣传工会普惠服务项目，赠送普惠保险。"),
)

# What a station may offer; codes are what the API and the import take.
AMENITIES: tuple[tuple[str, str], ...] = (
    ("drinking_water", "饮用水"),
    ("hot_water", "热水"),
    ("toilet", "厕所"),
    ("rest_seats", "休息座椅"),
    ("air_conditioning", "空调"),
    ("microwave", "微波炉"),
    ("phone_charging", "手机充电"),
    ("first_aid", "急救药箱"),
    ("reading_corner", "图书角"),
)

STATION_STATUSES: tuple[tuple[str, str], ...] = (
    ("planned", "规划中"),
    ("built", "已建成"),
    ("plaqued", "已挂牌"),
    ("retired", "已撤销"),
)


# 满意度: what a worker may tick when rating a visit. Codes are what the API takes; the
# negative ones tell staff what to fix, so keep them concrete.
RATING_TAGS: tuple[tuple[str, str], ...] = (
    ("clean", "干净整洁"),
    ("water_ok", "饮水充足"),
    ("warm", "服务热情"),
    ("seats", "座位充足"),
    ("convenient", "位置方便"),
    ("toilet_ok", "厕所好用"),
    ("needs_repair", "设施待维修"),
    ("crowded", "人多拥挤"),
    ("no_water", "没有饮水"),
    ("not_open", "未按时开放"),
    ("dirty", "卫生较差"),
)

# A rating's comment: who may see it (others only when published).
RATING_COMMENT_STATUSES: tuple[tuple[str, str], ...] = (
    ("none", "无留言"),
    ("published", "已公开"),
    ("review", "待审核"),
    ("hidden", "已隐藏"),
)


def codes(pairs) -> tuple[str, ...]:
    return tuple(p[0] for p in pairs)


def names(pairs) -> dict[str, str]:
    return {p[0]: p[1] for p in pairs}
