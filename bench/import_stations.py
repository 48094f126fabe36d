"""Bulk import of 1,000 stations (issue target: under 10 s), as CSV and as XLSX, over HTTP."""

from __future__ import annotations

import csv
import io
import random
import time

import requests
from openpyxl import Workbook

from app.reference import data as ref
from app.registry.import_format import COLUMNS
from bench.server import Server

ROWS = 1000
TARGET_SECONDS = 10.0
HEADERS = [h for h, _, _ in COLUMNS]


def make_rows(count: int = ROWS, seed: int = 7, first_number: int = 5000) -> list[list]:
    rnd = random.Random(seed)
    rows = []
    for n in range(count):
        district = ref.DISTRICTS[n % len(ref.DISTRICTS)]
        code = f"{district.code}{first_number + n // len(ref.DISTRICTS):04d}"
        row = {
            "站点编码": code,
            "站点名称": f"{district.name}基准站点{n}",
            "区县": district.name,
            "地址": f"绵阳市{district.name}测试路{n}号",
            "纬度": round(district.centre[0] + rnd.uniform(-0.03, 0.03), 6),
            "经度": round(district.centre[1] + rnd.uniform(-0.03, 0.03), 6),
            "坐标系": "WGS-84" if n % 5 == 0 else "GCJ-02",
            "共建单位": f"{district.name}共建单位{n}",
            "单位类型": rnd.choice(ref.HOST_TYPES)[1],
            "建设方式": "共建",
            "合作项目": "",
            "服务设施": "、".join(name for _, name in rnd.sample(ref.AMENITIES, 4)),
            "其他设施": "",
            "开放时间": "24小时" if n % 3 == 0 else "周一至周五 08:00-18:00；周六、周日 09:00-12:00,14:00-17:00",
            "服务对象": "环卫工人、快递员、送餐员",
            "管理员": "张三",
            "管理员电话": "13800000000",
            "状态": "已建成",
            "建成日期": "2024-05-01",
        }
        rows.append([row[h] for h in HEADERS])
    return rows


def as_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(server: Server, token: str, filename: str, content: bytes, dry_run: bool) -> tuple[float, dict]:
    started = time.perf_counter()
    r = requests.post(
        f"{server.base_url}/api/staff/v1/stations/import",
        params={"dry_run": str(dry_run).lower()},
        headers={"Authorization": f"Bearer {token}"},
        files={"file": (filename, content)},
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    if r.status_code != 200:
        raise RuntimeError(f"import failed: {r.status_code} {r.text[:500]}")
    return elapsed, r.json()


def run(server: Server) -> list[dict]:
    token = server.login()
    rows = make_rows()
    csv_file, xlsx_file = as_csv(rows), as_xlsx(rows)
    steps = [
        ("CSV, dry run (validate only)", "stations.csv", csv_file, True, "created"),
        ("CSV, first import (1,000 new stations)", "stations.csv", csv_file, False, "created"),
        ("CSV, same file again (no change)", "stations.csv", csv_file, False, "unchanged"),
        ("XLSX, same stations (no change)", "stations.xlsx", xlsx_file, False, "unchanged"),
    ]
    results = []
    for label, filename, content, dry_run, expect in steps:
        seconds, body = _post(server, token, filename, content, dry_run)
        if body[expect] != ROWS:
            raise RuntimeError(f"{label}: expected {ROWS} {expect}, got {body}")
        results.append({"what": f"import {ROWS} rows: {label}", "seconds": seconds, "target": TARGET_SECONDS})
    return results
