"""Every error code the service answers, with its HTTP status and default Chinese message.

Services raise domain errors (app/core/errors.py) with one of these codes; the front doors map the
error's class to its status (app/api/errors.py), and the OpenAPI document lists this registry as
`x-error-codes` in its info. A code a service raises under two classes names its other statuses in
`also`. Add a code here before raising it: tests/test_error_codes.py holds the service to it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    status: int
    message: str
    also: tuple[int, ...] = ()


REGISTRY: dict[str, ErrorCode] = {}


def register(code: str, status: int, message: str, also: tuple[int, ...] = ()) -> str:
    REGISTRY[code] = ErrorCode(status, message, also)
    return code


def as_document() -> dict[str, dict]:
    """The registry as the OpenAPI document lists it: code → status, message (and other statuses)."""
    return {
        code: {"status": entry.status, "message": entry.message, **({"also": list(entry.also)} if entry.also else {})}
        for code, entry in sorted(REGISTRY.items())
    }


ALREADY_DEMONSTRATION = register("already_demonstration", 409, "该站点已是示范站点，不能重复计入")
ALREADY_PLAQUED = register("already_plaqued", 409, "该站点已挂牌")
ALREADY_PROVINCIAL_BEST = register("already_provincial_best", 409, "已被推树为省级“最美站点”的站点不纳入示范站点打造范围")
ALREADY_RATED = register("already_rated", 409, "这次签到已经评价过了")
AMOUNT_INVALID = register("amount_invalid", 422, "金额有误")
BAD_PUSH = register("bad_push", 400, "微信推送内容无法解析")
BAD_REQUEST = register("bad_request", 400, "请求格式有误")
CHECKIN_NOT_FOUND = register("checkin_not_found", 404, "未找到该签到记录")
CITY_ONLY = register("city_only", 403, "省级“最美站点”由市总工会登记")
CLOSURE_UNTIL_OUT_OF_RANGE = register("closure_until_out_of_range", 422, "恢复时间不在现在之后 7 天以内")
CODE_CONTENTION = register("code_contention", 409, "同时登记的站点较多，请稍后重试")
CODE_TAKEN = register("code_taken", 409, "站点编码已被使用")
COMMENT_REJECTED = register("comment_rejected", 422, "留言含违规内容，整条评价未保存，可修改后重新提交")
CONFLICT = register("conflict", 409, "当前状态下不能执行该操作")
DATABASE_UNAVAILABLE = register("database_unavailable", 503, "数据库暂时不可用，请稍后再试")
DISTRICT_CHANGE_NOT_SUPPORTED = register(
    "district_change_not_supported", 409, "站点编码带有区县前缀，不能改到其他区县；请撤销本站点后在新区县重新登记"
)
DISTRICT_OUT_OF_SCOPE = register("district_out_of_scope", 403, "只能印制本区县的标牌")
DISTRICT_STAFF_ONLY = register("district_staff_only", 403, "季度报表由各区县工会报送")
DISTRICT_UNKNOWN = register("district_unknown", 422, "没有这个区县", also=(404,))
DOMAIN_ERROR = register("domain_error", 400, "操作无法完成")
FILE_NOT_FOUND = register("file_not_found", 404, "文件不存在")
FILE_REFUSED = register("file_refused", 422, "文件无法接受")
FILE_TOO_LARGE = register("file_too_large", 422, "文件过大")
FORBIDDEN = register("forbidden", 403, "没有权限执行该操作")
GONE = register("gone", 410, "该资源已不再可用")
HTTP_ERROR = register("http_error", 400, "请求无法处理")
IDEMPOTENCY_KEY_REUSED = register("idempotency_key_reused", 422, "同一个 Idempotency-Key 不能用于不同的签到请求")
IMPORT_BAD_HEADER = register("import_bad_header", 422, "表头与模板不一致，请使用下载的导入模板")
IMPORT_CONFLICT = register("import_conflict", 409, "导入期间有其他人登记了相同编码的站点，请重新导入")
IMPORT_EMPTY = register("import_empty", 422, "文件是空的")
IMPORT_INVALID = register("import_invalid", 422, "文件中有数据行有误，未导入任何数据")
IMPORT_STAGING_EXPIRED = register("import_staging_expired", 410, "待确认的文件已过期（30 分钟），请重新上传")
IMPORT_TOO_LARGE = register("import_too_large", 422, "一次导入的行数过多，请分批导入")
IMPORT_UNREADABLE = register("import_unreadable", 422, "无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 XLSX")
INSPECTION_FAILED = register("inspection_failed", 409, "最近一次“六有”检查未通过")
INSPECTION_MISSING = register("inspection_missing", 409, "挂牌前须完成“六有”检查")
INTERNAL_ERROR = register("internal_error", 500, "服务器内部错误，请稍后再试")
INVALID_CREDENTIALS = register("invalid_credentials", 401, "用户名或密码错误")
INVALID_FILE_KEY = register("invalid_file_key", 422, "文件标识无效")
KEEPER_ALREADY_REVOKED = register("keeper_already_revoked", 409, "该管理员已被解除绑定")
KEEPER_CODE_ALREADY_REVOKED = register("keeper_code_already_revoked", 409, "该绑定码已作废")
KEEPER_CODE_EXPIRED = register("keeper_code_expired", 410, "绑定码已过期，请向所在区县工会重新索取")
KEEPER_CODE_INVALID = register("keeper_code_invalid", 404, "绑定码无效，请核对后重新输入")
KEEPER_CODE_NOT_FOUND = register("keeper_code_not_found", 404, "该站点没有这个绑定码")
KEEPER_CODE_USED = register("keeper_code_used", 409, "绑定码已被使用，请向所在区县工会重新索取")
KEEPER_NOT_FOUND = register("keeper_not_found", 404, "该站点没有这位管理员")
METHOD_NOT_ALLOWED = register("method_not_allowed", 405, "不支持该请求方法")
NO_STATIONS = register("no_stations", 404, "该范围内没有可印制标牌的站点")
NOT_A_KEEPER = register("not_a_keeper", 403, "您还不是站点管理员，请向所在区县工会索取绑定码")
NOT_DEMONSTRATION = register("not_demonstration", 409, "该站点不是示范站点")
NOT_FOUND = register("not_found", 404, "未找到该资源")
PAYLOAD_TOO_LARGE = register("payload_too_large", 413, "上传内容过大")
PERIOD_IN_FUTURE = register("period_in_future", 422, "评估截止日期不能晚于今天")
PERIOD_INVALID = register("period_invalid", 422, "评估天数超出范围")
QUALITY_WEIGHTS_INVALID = register("quality_weights_invalid", 422, "质效评估权重配置有误")
QUARTER_IN_FUTURE = register("quarter_in_future", 422, "该季度尚未开始，不能登记投入资金")
QUARTER_INVALID = register("quarter_invalid", 422, "季度应为 1 到 4")
RATE_LIMITED = register("rate_limited", 429, "请求过于频繁，请稍后再试")
RATING_NOT_FOUND = register("rating_not_found", 404, "未找到该评价")
RATING_WINDOW_CLOSED = register("rating_window_closed", 410, "已超过评价时限")
REFERENCE_MISSING = register("reference_missing", 409, "请先加载基础数据：flask seed reference")
REPORT_RANGE_TOO_LONG = register("report_range_too_long", 422, "查询区间过长")
SCAN_INVALID = register("scan_invalid", 404, "无法识别该二维码，请扫描站点现场张贴的标牌")
SERVICE_MISCONFIGURED = register("service_misconfigured", 503, "服务配置不完整，请联系管理员")
SERVICE_UNAVAILABLE = register("service_unavailable", 503, "服务暂时不可用，请稍后再试")
SIGN_FONT_MISSING = register("sign_font_missing", 503, "标牌字体文件不存在")
SIGN_OUTDATED = register("sign_outdated", 410, "该标牌已更换，请扫描站点现场张贴的新标牌")
STATION_CLOSED = register("station_closed", 410, "该站点已撤销，暂停服务")
STATION_CLOSED_TEMPORARILY = register("station_closed_temporarily", 409, "站点临时关闭（管理员发布，附原因）")
STATION_NOT_BUILT = register("station_not_built", 409, "站点建成后才能挂牌")
STATION_NOT_FOUND = register("station_not_found", 404, "未找到该站点")
STATION_NOT_IN_DISTRICT = register("station_not_in_district", 422, "站点不属于该区县")
STATION_NOT_IN_SERVICE = register("station_not_in_service", 409, "该站点尚未建成投入使用，暂不能签到")
STATION_NOT_OPEN = register("station_not_open", 409, "现在不在站点的开放时间内")
STATION_NOT_PLAQUED = register("station_not_plaqued", 409, "只有已挂牌站点才能认定为示范站点")
STATION_RETIRED = register("station_retired", 409, "该站点已撤销，不再印制标牌")
STATUS_EMPTY = register("status_empty", 422, "请至少提交一项状态")
STATUS_LOCKED = register("status_locked", 409, "已挂牌站点的状态不能改回")
TEXT_REJECTED = register("text_rejected", 422, "回复含违规内容，未保存，原有回复不变")
TOO_FAR = register("too_far", 403, "超出地理围栏（details 给出距离 distance_m 与上限 limit_m，单位米）")
UNAUTHORIZED = register("unauthorized", 401, "请先登录")
UNSUPPORTED_FILE_TYPE = register("unsupported_file_type", 422, "不支持的文件类型")
UNSUPPORTED_MEDIA_TYPE = register("unsupported_media_type", 415, "不支持的内容类型")
USERNAME_TAKEN = register("username_taken", 409, "该用户名已存在")
VALIDATION_ERROR = register("validation_error", 422, "提交的数据有误")
WALK_IN_COUNT_OUT_OF_RANGE = register("walk_in_count_out_of_range", 422, "更正后人次不在 0 到上限之间")
WALK_IN_DATE_OUT_OF_RANGE = register("walk_in_date_out_of_range", 422, "日期不在今天及之前 7 天内")
WALK_IN_IS_CORRECTION = register("walk_in_is_correction", 409, "这是一条更正记录，请对原登记进行更正")
WALK_IN_NOT_FOUND = register("walk_in_not_found", 404, "未找到该登记记录")
WALK_IN_TOO_OLD = register("walk_in_too_old", 409, "已超过可更正的日期")
WALK_IN_UNCHANGED = register("walk_in_unchanged", 409, "人次未变，无需更正")
WECHAT_CODE_INVALID = register("wechat_code_invalid", 401, "登录凭证无效或已使用，请重新登录")
WECHAT_ERROR = register("wechat_error", 502, "微信服务返回错误，请稍后再试")
WECHAT_MISCONFIGURED = register("wechat_misconfigured", 502, "小程序的微信接口配置有误")
WECHAT_RATE_LIMITED = register("wechat_rate_limited", 429, "登录过于频繁，请稍后再试")
WECHAT_UNAVAILABLE = register("wechat_unavailable", 503, "微信服务暂时不可用，请稍后再试")
WECHAT_USER_BLOCKED = register("wechat_user_blocked", 403, "该微信账号存在风险，暂时无法使用")
YEAR_IN_FUTURE = register("year_in_future", 422, "该年度尚未开始")
YEAR_OUT_OF_RANGE = register("year_out_of_range", 422, "年度超出范围")

# --- care activities (app/activities) ---
ACTIVITY_NOT_FOUND = register("activity_not_found", 404, "未找到该活动")
ACTIVITY_CANCELLED = register("activity_cancelled", 409, "该活动已取消")
ACTIVITY_ENDED = register("activity_ended", 409, "该活动已结束")
ACTIVITY_NOT_STARTED = register("activity_not_started", 409, "活动尚未开始，开始后才能发放")
ACTIVITY_HAS_NO_GIFT = register("activity_has_no_gift", 409, "该活动没有可领取的礼品")
ACTIVITY_STATIONS_INVALID = register("activity_stations_invalid", 422, "活动站点有误：须为本区县在用的站点，或选择全区县")
ACTIVITY_TIMES_INVALID = register("activity_times_invalid", 422, "活动结束时间须晚于开始时间")
ACTIVITY_STOCK_BELOW_HANDED = register("activity_stock_below_handed", 409, "礼品数量不能少于已领取的数量")
ACTIVITY_HAS_CLAIMS = register("activity_has_claims", 409, "已有人领取，礼品不能取消")
GIFT_OUT_OF_STOCK = register("gift_out_of_stock", 409, "礼品已领完")
ALREADY_CLAIMED = register("already_claimed", 409, "您已领取过该活动的礼品（每人限领一份）")
CLAIM_NOT_FOUND = register("claim_not_found", 404, "未找到该领取记录")
CLAIM_ALREADY_COLLECTED = register("claim_already_collected", 409, "该礼品已发放，不能重复发放或取消")
CLAIM_CANCELLED = register("claim_cancelled", 409, "该领取已取消")
VOUCHER_NOT_FOUND = register("voucher_not_found", 404, "券码无效")
VOUCHER_WRONG_STATION = register("voucher_wrong_station", 403, "该券不属于本站点的活动，不能在本站发放")
CAMPAIGN_EXISTS = register("campaign_exists", 409, "本区县该年度已有主题关爱服务月")
CAMPAIGN_NOT_FOUND = register("campaign_not_found", 404, "未找到该关爱服务月")
CAMPAIGN_DATES_INVALID = register("campaign_dates_invalid", 422, "关爱服务月的日期有误：结束不能早于开始，且须在同一年内")
ACTIVITY_OUTSIDE_CAMPAIGN = register("activity_outside_campaign", 422, "活动时间不在关爱服务月内，或不属于同一区县")
RECORDED_COUNT_NOT_FOUND = register("recorded_count_not_found", 404, "未找到该登记记录")
RECORDED_COUNT_INVALID = register("recorded_count_invalid", 422, "人数有误")

# Problem reports, tickets, spot checks and supplies (issue 18: app/problems, app/spot_checks, app/supplies).
TICKET_NOT_FOUND = register("ticket_not_found", 404, "未找到该问题反映")
TICKET_STATUS_CONFLICT = register("ticket_status_conflict", 409, "该问题当前的状态不能执行这一步")
PROBLEM_TEXT_REJECTED = register("problem_text_rejected", 422, "问题描述含有不适宜的内容，请修改后再提交")
PROBLEM_PHOTOS_FULL = register("problem_photos_full", 409, "每条反映最多上传 3 张照片")
SPOT_CHECK_NOT_FOUND = register("spot_check_not_found", 404, "未找到该暗访记录")
SUPPLY_NOT_FOUND = register("supply_not_found", 404, "未找到该物资")

# --- privacy (issue 19, app/privacy) ----------------------------------------------------------
PRIVACY_CONSENT_REQUIRED = register(
    "privacy_consent_required", 403, "请先阅读并同意《用户隐私保护指引》（details.feature 给出所需授权：location 位置、photos 照片）"
)
PRIVACY_NOTICE_OUTDATED = register("privacy_notice_outdated", 409, "隐私保护指引已更新，请阅读最新版本后再同意")
PRIVACY_FEATURE_UNKNOWN = register("privacy_feature_unknown", 422, "未知的授权项")
