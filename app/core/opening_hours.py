"""Opening hours as people read them: '周一至周五 08:00–18:00；周六、周日 09:00–12:00、14:00–17:00'."""

from __future__ import annotations

from datetime import datetime

from app.core import clock  # opening hours are China wall-clock time (Mianyang)

WEEKDAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


def _days_label(days: list[int]) -> str:
    if days == list(range(1, 8)):
        return "每天"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{WEEKDAY_NAMES[days[0]]}至{WEEKDAY_NAMES[days[-1]]}"
    return "、".join(WEEKDAY_NAMES[d] for d in days)


def _consecutive_runs(days: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def describe(opening_hours: dict) -> str:
    if opening_hours.get("always_open"):
        return "24小时开放"
    by_day: dict[int, tuple] = {}
    for r in sorted(opening_hours.get("weekly", []), key=lambda r: (r["weekday"], r["open"])):
        by_day.setdefault(r["weekday"], ())
        by_day[r["weekday"]] += (f"{r['open']}–{r['close']}",)
    if not by_day:
        return "暂无开放时间"
    # Days with the same hours, in week order, are named together.
    groups: dict[tuple, list[int]] = {}
    for day in sorted(by_day):
        groups.setdefault(by_day[day], []).append(day)
    parts = []
    for ranges, days in sorted(groups.items(), key=lambda item: item[1][0]):
        label = "、".join(_days_label(run) for run in _consecutive_runs(days))
        parts.append(f"{label} {'、'.join(ranges)}")
    return "；".join(parts)


def is_open_at(opening_hours: dict, moment: datetime) -> bool:
    """Whether the hours include `moment` (any timezone-aware time; read in China time)."""
    if opening_hours.get("always_open"):
        return True
    local = clock.china_time(moment)
    now = local.strftime("%H:%M")
    return any(r["weekday"] == local.isoweekday() and r["open"] <= now < r["close"] for r in opening_hours.get("weekly", []))
