"""The station import file: its columns, and turning cell text into API field values.

Staff fill these in Excel, in Chinese, so every column takes the Chinese names as well as the
codes, and the errors name the column as the file does."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from app.reference import data as ref

# (header, API field, what the README and the template's notes say about it)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("站点编码", "code", "可空；空则按区县前缀自动生成，如 FC0001。填写已有编码即更新该站点"),
    ("站点名称", "name", "必填"),
    ("区县", "district", "必填；区县名称（如 涪城区）或前缀（如 FC）"),
    ("地址", "address", "必填"),
    ("纬度", "lat", "必填；十进制度，如 31.4567"),
    ("经度", "lng", "必填；十进制度，如 104.7462"),
    ("坐标系", "datum", "可空，默认 GCJ-02（微信/高德地图）；GPS 设备采集的填 WGS-84，导入时自动转换"),
    ("共建单位", "host_unit", "共建站点必填"),
    ("单位类型", "host_type", "可空；" + "、".join(n for _, n in ref.HOST_TYPES)),
    ("建设方式", "build_mode", "必填；自建 或 共建"),
    ("合作项目", "partner_programme", "可空；劳动者驿站（中国邮政）或 爱心便民服务点（中国移动）"),
    ("服务设施", "amenities", "可空，多项用顿号分隔；" + "、".join(n for _, n in ref.AMENITIES)),
    ("其他设施", "amenities_other", "可空；上面没有的设施"),
    ("开放时间", "opening_hours", "必填；24小时，或如 周一至周五 08:00-18:00；周六、周日 09:00-12:00,14:00-17:00"),
    ("服务对象", "worker_groups", "可空，多项用顿号分隔；" + "、".join(n for _, n in ref.WORKER_GROUPS)),
    ("管理员", "keeper_name", "可空"),
    ("管理员电话", "keeper_phone", "可空"),
    ("状态", "status", "可空，默认 规划中；规划中 或 已建成"),
    ("建成日期", "built_date", "可空；YYYY-MM-DD，已建成时默认今天"),
)
HEADER_TO_FIELD = {h: f for h, f, _ in COLUMNS} | {f: f for _, f, _ in COLUMNS}
FIELD_TO_HEADER = {f: h for h, f, _ in COLUMNS}
LIST_FIELDS = {"amenities", "worker_groups"}

_SPLIT = re.compile(r"[、,，;；/\s]+")
_DATUM = {"gcj-02": "gcj02", "gcj02": "gcj02", "火星坐标": "gcj02", "wgs-84": "wgs84", "wgs84": "wgs84", "gps": "wgs84"}
_BUILD_MODE = {"自建": "self_built", "工会自建": "self_built", "共建": "co_built", "与有关单位共建": "co_built"}
_PARTNER = {
    "劳动者驿站": "china_post", "中国邮政": "china_post", "邮政": "china_post", "邮储银行": "china_post",
    "爱心便民服务点": "china_mobile", "中国移动": "china_mobile", "移动": "china_mobile",
    # As the template's note for the column words them, and as the reference data names them.
    "劳动者驿站（中国邮政）": "china_post", "爱心便民服务点（中国移动）": "china_mobile",
} | {name: code for code, name, kind in ref.BUILD_MODES if kind == "partner"}  # fmt: skip
_STATUS = {"规划中": "planned", "规划": "planned", "已建成": "built", "建成": "built"}
_BY_NAME = {
    "host_type": ref.names(ref.HOST_TYPES),
    "amenities": ref.names(ref.AMENITIES),
    "worker_groups": ref.names(ref.WORKER_GROUPS),
}
_ALIASES = {"datum": _DATUM, "build_mode": _BUILD_MODE, "partner_programme": _PARTNER, "status": _STATUS}


class CellError(ValueError):
    """A cell that cannot be read; its message is for the person who filled it in."""


def _code_for(field: str, text: str) -> str:
    """A Chinese name or alias to its code; unknown text is passed on for the schema to refuse."""
    if field in _ALIASES:
        return _ALIASES[field].get(text.lower(), _ALIASES[field].get(text, text))
    names = {n: c for c, n in _BY_NAME.get(field, {}).items()}
    return names.get(text, text)


def cell_value(field: str, raw):
    """One cell to the value the station schema takes; None when the cell is empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return [] if field in LIST_FIELDS else None
    if field in ("lat", "lng"):
        return raw if isinstance(raw, (int, float)) else str(raw).strip()
    if field == "built_date":
        return _date_text(raw)
    text = str(raw).strip()
    if field in LIST_FIELDS:
        return [_code_for(field, part) for part in _SPLIT.split(text) if part]
    if field == "opening_hours":
        return parse_opening_hours(text)
    if field in ("code", "district") or field in _ALIASES or field in _BY_NAME:
        return _code_for(field, text).upper() if field in ("code", "district") and text.isascii() else _code_for(field, text)
    if field == "keeper_phone" and isinstance(raw, (int, float)):
        return str(int(raw))
    return text


def _date_text(raw) -> str:
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip().replace("/", "-").replace(".", "-")


_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_DAY = r"(?:周|星期)?[一二三四五六日天1-7]"
_DAYS_RE = re.compile(rf"^({_DAY})(?:\s*(?:至|到|-|~|—)\s*({_DAY}))?$")
_RANGE_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-~—至到]\s*(\d{1,2}):(\d{2})$")
_ALWAYS = {"24小时", "24 小时", "全天", "24h", "全天候", "24小时开放"}


def _weekday(token: str) -> int:
    token = token.removeprefix("星期").removeprefix("周")
    return int(token) if token.isdigit() else _WEEKDAYS[token]


def _days(text: str) -> list[int]:
    if text in ("每天", "每日", "全周"):
        return list(range(1, 8))
    days: list[int] = []
    for part in re.split(r"[、,，]", text):
        m = _DAYS_RE.match(part.strip())
        if not m:
            raise CellError(f"无法识别的星期：{part}")
        first = _weekday(m.group(1))
        last = _weekday(m.group(2)) if m.group(2) else first
        if last < first:
            raise CellError(f"星期范围有误：{part}")
        days.extend(range(first, last + 1))
    return days


def parse_opening_hours(text: str) -> dict:
    """'24小时' or '周一至周五 08:00-18:00；周六 09:00-12:00,14:00-17:00' to the API's shape."""
    # Chinese input methods type full-width digits and punctuation (０８：００－１８：００); NFKC
    # folds them to ASCII and leaves the Chinese day names alone.
    text = unicodedata.normalize("NFKC", text)
    if text.replace(" ", "") in {a.replace(" ", "") for a in _ALWAYS}:
        return {"always_open": True, "weekly": []}
    weekly = []
    for segment in filter(None, (s.strip() for s in re.split(r"[;；\n]", text))):
        m = re.match(r"^(.*?)\s*(\d{1,2}:\d{2}.*)$", segment)
        if not m:
            raise CellError(f"开放时间格式有误：{segment}（示例：周一至周五 08:00-18:00）")
        days_text = m.group(1).strip().rstrip(":").strip() or "每天"  # "周一至周五：08:00-18:00" is common
        for part in re.split(r"[,，、]\s*(?=\d)", m.group(2)):
            r = _RANGE_RE.match(part.strip())
            if not r:
                raise CellError(f"时段格式有误：{part}（示例：08:00-18:00）")
            open_, close = f"{int(r.group(1)):02d}:{r.group(2)}", f"{int(r.group(3)):02d}:{r.group(4)}"
            weekly += [{"weekday": d, "open": open_, "close": close} for d in _days(days_text)]
    return {"always_open": False, "weekly": weekly}
