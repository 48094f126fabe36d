from __future__ import annotations

import json
import os
import typing
import warnings
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # refused in production
# The local fake WeChat server's credentials (fake_wechat's defaults): refused in production.
FAKE_WECHAT_APPID = "wxfake0000000000"
FAKE_WECHAT_SECRET = "fake-secret"
# The message push's Token and EncodingAESKey the app and the fake WeChat share in development.
FAKE_WECHAT_PUSH_TOKEN = "yizhan-fake-push-token"
FAKE_WECHAT_PUSH_AES_KEY = "YizhanFakeWeChatPushEncodingAESKey123456789"
WECHAT_PUSH_MODES = ("plain", "compatible", "secure")

# Switches that make the app easier to poke at and must never be on in production.
DEV_ONLY_SWITCHES = ("DEBUG", "TESTING", "DEMO_DATA_ALLOWED")


# Every setting of BaseConfig is read from the environment as YIZHAN_<NAME> (README, "Configuration").
ENV_PREFIX = "YIZHAN_"
# ... except these, which only YIZHAN_ENV's choice of class sets (production refuses them).
NEVER_FROM_ENV = frozenset(DEV_ONLY_SWITCHES)
# The variables earlier versions read, and the one read now: set without the new one, production
# refuses to start (a deployment must not silently lose its secret) and development warns.
RENAMED_VARIABLES = {
    **{
        name: f"YIZHAN_{name}"
        for name in (
            "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SIGN_SECRET", "PUBLIC_BASE_URL", "SIGN_FONT_PATH",
            "MINIPROGRAM_STATION_PAGE", "MINIPROGRAM_ENV_VERSION", "WECHAT_JUMP_VERIFY_FILE", "WECHAT_JUMP_VERIFY_CONTENT",
            "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_API_BASE", "WECHAT_TIMEOUT", "WECHAT_PUSH_TOKEN", "WECHAT_PUSH_AES_KEY",
            "WECHAT_PUSH_MODE", "FILES_ROOT", "CONSOLE_TILE_URL", "CONSOLE_TILE_ATTRIBUTION",
        )
    },
    "YIZHAN_REDIS_PREFIX": "YIZHAN_REDIS_KEY_PREFIX",
}  # fmt: skip


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


class ConfigWarning(UserWarning):
    """A variable that is no longer read is set (development only; production refuses)."""


class BaseConfig:
    SECRET_KEY = DEFAULT_SECRET_KEY
    # PostgreSQL; becomes SQLALCHEMY_DATABASE_URI. Unset: the private cluster in the instance folder.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Seconds to wait for a new PostgreSQL connection: a database that hangs costs a request
    # this long (then 503 database_unavailable), not gunicorn's worker timeout.
    DB_CONNECT_TIMEOUT = 3
    REDIS_URL: str | None = None  # in-process equivalents if unset
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # imports are the largest uploads

    # OpenAPI (apiflask)
    VALIDATION_ERROR_STATUS_CODE = 422
    INFO = {"description": "驿站：工会户外劳动者服务站点后端 API"}

    # Staff sign-in
    STAFF_TOKEN_TTL = timedelta(hours=8)
    WORKER_TOKEN_TTL = timedelta(days=7)

    # The worker loop (docs/semantics.md, "A visit").
    CHECKIN_DEDUPE_MINUTES = 60  # scans by one worker at one station within this are one visit
    CHECKIN_GEOFENCE_M = 500  # a located check-in further than this from the station is refused
    RATING_WINDOW_HOURS = 24
    # Keepers' walk-ins (visits by workers without a phone): one entry records at most this many,
    # and only for today and this many days before it (China time); older figures are reported.
    WALKIN_MAX_COUNT = 200
    WALKIN_BACKDATE_DAYS = 7
    # Satisfaction follow-up: stations whose average score over the last this-many days is below
    # the threshold, with at least the minimum number of ratings, are listed for staff to act on.
    SATISFACTION_FOLLOW_UP_DAYS = 30
    SATISFACTION_FOLLOW_UP_BELOW = 3.5
    SATISFACTION_FOLLOW_UP_MIN_RATINGS = 3
    # Keepers: a binding code staff hand out is good for this long; what a keeper posts about
    # water, toilet, seats and the station reads unknown once older than the freshness limit
    # (docs/semantics.md, "Live status").
    KEEPER_CODE_TTL_HOURS = 72
    STATUS_FRESHNESS_HOURS = 6
    NEARBY_RADIUS_MAX_M = 20000
    NEARBY_RADIUS_DEFAULT_M = 3000
    # The nearest this many stations within the radius are all a search looks at (ten pages of
    # 50): beyond them a worker has closer help, and the answer stays cheap in a dense city.
    NEARBY_SEARCH_MAX = 500
    # The Redis geo index is kept current by every station change; it is also rebuilt from the
    # database this often, which bounds how long a change made while Redis was down stays missing.
    GEO_INDEX_REFRESH_SECONDS = 600
    GEO_INDEX_LOCK_SECONDS = 60  # one process rebuilds at a time; the lock expires if it dies
    # Abuse limits (Flask-Limiter; on Redis when configured).
    MP_SESSION_LIMIT_PER_IP = "30 per minute"
    CHECKIN_LIMIT_PER_WORKER = "20 per minute;200 per day"
    CHECKIN_LIMIT_PER_IP = "300 per minute"
    RATING_LIMIT_PER_WORKER = "10 per minute;50 per day"
    RATING_LIMIT_PER_IP = "120 per minute"
    # Each reply (and each replacement) costs a WeChat content check.
    KEEPER_REPLY_LIMIT_PER_WORKER = "10 per minute;100 per day"
    # Wrong binding codes only (a right one costs nothing): guessing an 8-character code from 31
    # symbols at these rates takes longer than any code lives. Per IP too, since every wx.login
    # on a new phone is a new worker.
    KEEPER_BIND_FAILURES_PER_WORKER = "5 per 15 minutes;20 per day"
    KEEPER_BIND_FAILURES_PER_IP = "30 per hour"
    # Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto to trust: per-IP limits
    # must see the worker's address, not the proxy's. 0 when clients connect directly.
    TRUSTED_PROXIES = 0
    # Failed sign-ins per account: slowed after the first limit, locked by the second.
    LOGIN_FAILURE_LIMITS = "5 per minute;10 per 15 minutes"
    LOGIN_ATTEMPTS_PER_IP = "60 per minute"

    # Flask-Limiter: storage and key prefix follow REDIS_URL and REDIS_KEY_PREFIX; Redis trouble never blocks a request.
    # X-RateLimit-* headers cost two more Redis round trips per limited request (the check-in hot
    # path); a refusal still carries Retry-After (app/api/errors.py).
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    REDIS_KEY_PREFIX = "yizhan"

    # Station coordinates (GCJ-02) must lie in this box: Mianyang with a margin.
    GEO_BOUNDS = {"lat_min": 30.6, "lat_max": 33.2, "lng_min": 103.6, "lng_max": 105.8}

    # Signs. The QR's signature uses SIGN_SECRET (SECRET_KEY when unset): keep it apart so that
    # rotating SECRET_KEY does not void every printed sign.
    SIGN_SECRET: str | None = None
    PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # what the sign's QR points at: https://{host}
    SIGN_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    SIGN_FONT_INDEX = 0  # the face within a .ttc collection
    MINIPROGRAM_STATION_PAGE = "pages/station/index"
    # release / trial / develop; WeChat checks the page exists only for release codes.
    MINIPROGRAM_ENV_VERSION = "release"
    WXACODE_CACHE_SECONDS = 30 * 24 * 3600
    # 扫普通链接二维码打开小程序: the verification file WeChat fetches from our host.
    WECHAT_JUMP_VERIFY_FILE: str | None = None
    WECHAT_JUMP_VERIFY_CONTENT: str | None = None

    # WeChat server API (app/adapters/wechat.py). Unconfigured, the app talks to the local fake
    # WeChat (`flask wechat fake --port 8100`) with the fake's credentials.
    WECHAT_APPID = FAKE_WECHAT_APPID
    WECHAT_SECRET = FAKE_WECHAT_SECRET
    WECHAT_API_BASE = "http://127.0.0.1:8100/"
    WECHAT_TIMEOUT = 3.0  # seconds, on every call: a slow WeChat must not hold a worker

    # WeChat's message push to us (app/wechat_push, README "WeChat message push"): the Token, the
    # EncodingAESKey (43 characters) and the mode (plain, compatible or secure) set in the
    # mini-program's admin console. A push older or newer than MAX_AGE is refused as a replay.
    WECHAT_PUSH_TOKEN = FAKE_WECHAT_PUSH_TOKEN
    WECHAT_PUSH_AES_KEY = FAKE_WECHAT_PUSH_AES_KEY
    WECHAT_PUSH_MODE = "secure"
    WECHAT_PUSH_MAX_AGE_SECONDS = 300
    WECHAT_PUSH_MAX_BYTES = 64 * 1024
    WECHAT_PUSH_KEEP_DAYS = 7  # the record of processed pushes (no personal data) is pruned after

    # The staff console (/console, server-rendered): signed session cookie, CSRF on every form.
    SESSION_COOKIE_NAME = "yizhan_console"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (served over https behind the proxy)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # like a staff token
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a form stays good as long as the session
    # Map tiles for the console's station map, a Leaflet URL template such as a GCJ-02
    # provider's (AMap: https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}).
    # Empty: the markers on a plain background, which works offline.
    CONSOLE_TILE_URL = ""
    CONSOLE_TILE_ATTRIBUTION = ""
    CONSOLE_TILE_SUBDOMAINS = "1234"
    CONSOLE_MAP_MAX_POINTS = 3000  # the map shows at most this many stations of a filter

    STATION_PAGE_SIZE_MAX = 100
    IMPORT_MAX_ROWS = 5000

    # 质效评估 (README, "Quality evaluation"): each theme's weight in the total (any scale; they
    # are normalised), how many of the top plaqued stations are 最美站点 candidates, the default
    # period in days, how many ratings' worth of the district mean a station's ratings are
    # shrunk toward, and how many amenities make a full function score.
    QUALITY_WEIGHTS = {
        "build": 20,
        "operation": 20,
        "function": 15,
        "visits": 25,
        "satisfaction": 20,
        "activities": 10,
        "problems": 15,
        "inspections": 10,
    }
    QUALITY_TOP_N = 10
    QUALITY_PERIOD_DAYS = 30
    QUALITY_RATING_PRIOR_WEIGHT = 5
    QUALITY_AMENITIES_FULL = 6

    # Background jobs (app/core/jobs, README "Background jobs"): a worker runs this many jobs at
    # once, beats every HEARTBEAT seconds; a worker silent for STALLED_AFTER seconds is taken for
    # dead and its jobs are handed back. A failed job waits BASE × 2^attempt seconds (≤ MAX).
    JOBS_CONCURRENCY = 4
    JOBS_HEARTBEAT_SECONDS = 10.0
    JOBS_STALLED_AFTER_SECONDS = 60.0
    JOBS_POLL_SECONDS = 5.0  # LISTEN/NOTIFY wakes workers at once; this bounds a missed wake-up
    JOBS_RETRY_BASE_SECONDS = 30.0
    JOBS_RETRY_MAX_SECONDS = 3600.0

    # Subscribe messages (app/accounts/subscribe_messages.py, README "Subscribe messages"): per
    # key, the template id from the mini-program's admin console, the page it opens and its
    # keywords by the names the code fills. The ids here are the fake WeChat's; set the real ones
    # as YIZHAN_SUBSCRIBE_TEMPLATES (JSON). A send WeChat answers busy is tried this many times.
    SUBSCRIBE_TEMPLATES = {
        "activity_reminder": {
            "id": "tmpl-activity-reminder",
            "page": "pages/activity/index",
            "fields": {"title": "thing1", "starts_at": "time2", "place": "thing3", "note": "thing4"},
        },
        "supply_expiry": {
            "id": "tmpl-supply-expiry",
            "page": "keeper/supplies/index",
            "fields": {"item": "thing1", "expires_on": "date2", "station": "thing3"},
        },
        "ticket_update": {
            "id": "tmpl-ticket-update",
            "page": "pages/report/index",
            "fields": {"kind": "thing1", "status": "phrase2", "station": "thing3"},
        },
    }
    SUBSCRIBE_SEND_ATTEMPTS = 6

    # Uploaded files (app/core/files, README "Uploaded files"): the folder of the embedded store
    # (default <instance>/files) and the largest file of each kind.
    FILES_ROOT: str | None = None
    FILES_MAX_BYTES = {"plan": 10 * 1024 * 1024, "photo": 5 * 1024 * 1024}

    # Care activities (app/activities, README "Care activities"): the reminder goes this many
    # minutes before an activity starts (a claim made later gets none); a keeper records at most
    # ACTIVITY_COUNT_MAX people per entry; the quality evaluation's activities component is full
    # at ACTIVITIES_FULL activities at a station in its period (QUALITY_WEIGHTS["activities"]).
    ACTIVITY_REMINDER_MINUTES = 60
    ACTIVITY_COUNT_MAX = 500
    QUALITY_ACTIVITIES_FULL = 2
    # Problem reports, tickets, spot checks and supplies (issue 18; README "Problem reports").
    # Hours a ticket has to be fixed, by kind; how many photos a report carries; limits per
    # worker and per station; how long reports' texts and photos are kept (days).
    PROBLEM_DEADLINE_HOURS = {
        "locked": 24, "no_water": 24, "toilet": 48, "no_seats": 72, "dirty": 48, "first_aid": 72, "other": 72,
    }  # fmt: skip
    PROBLEM_PHOTOS_MAX = 3
    PROBLEM_LIMIT_PER_WORKER = "5 per hour;20 per day"
    PROBLEM_LIMIT_PER_STATION = "30 per hour"
    PROBLEM_PHOTO_LIMIT_PER_WORKER = "20 per hour"
    PROBLEM_RETENTION_DAYS = 365
    # A station failing this many spot checks (暗访) within the period is flagged for review of
    # its plaque or demonstration status; "recent" for the 最美站点 exclusion is the same period.
    SPOT_CHECK_FAILS_FOR_REVIEW = 2
    SPOT_CHECK_PERIOD_DAYS = 90
    # Supplies: keepers and staff are reminded this many days before an item expires.
    SUPPLY_REMIND_DAYS = 14
    # Privacy (issue 19, app/privacy, README "Privacy"): how long personal data is kept, in days.
    # A check-in's link to its worker is dropped once older than CHECKIN_LINK_RETENTION_DAYS, at
    # the first point where dropping it cannot change a report (keep it above a year and a week,
    # 372 days: the yearly and weekly "new workers" counts read it); comments, photos,
    # problem-report texts and audit entries are deleted or emptied after theirs. The daily
    # retention job (privacy.retention) works in batches of PRIVACY_RETENTION_BATCH rows, each
    # its own short transaction.
    CHECKIN_LINK_RETENTION_DAYS = 400
    COMMENT_RETENTION_DAYS = 365
    PHOTO_RETENTION_DAYS = 180
    PROBLEM_REPORT_TEXT_RETENTION_DAYS = 365
    AUDIT_RETENTION_DAYS = 3 * 365
    PRIVACY_RETENTION_BATCH = 500

    DEBUG = False
    TESTING = False
    DEMO_DATA_ALLOWED = False


class DevelopmentConfig(BaseConfig):
    DEMO_DATA_ALLOWED = True


class TestingConfig(BaseConfig):
    TESTING = True
    DEMO_DATA_ALLOWED = True
    SECRET_KEY = "testing-secret-key"
    LOGIN_ATTEMPTS_PER_IP = "1000 per minute"


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    WECHAT_APPID = ""
    WECHAT_SECRET = ""
    WECHAT_API_BASE = "https://api.weixin.qq.com/"
    WECHAT_PUSH_TOKEN = ""  # unset: every push is refused until the admin console's is given
    WECHAT_PUSH_AES_KEY = ""


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _setting_kinds() -> dict[str, type]:
    """The type each setting is read as: its default's, or for a None default its annotation's
    (`str | None` reads as str)."""
    hints = typing.get_type_hints(BaseConfig)
    kinds = {}
    for name in dir(BaseConfig):
        if not name.isupper() or name in NEVER_FROM_ENV:
            continue
        default = getattr(BaseConfig, name)
        if default is None:
            (kinds[name],) = [k for k in typing.get_args(hints[name]) if k is not type(None)]
        else:
            kinds[name] = type(default)
    return kinds


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _parsed(raw: str, kind: type, default):
    """One variable's text as a setting of this kind; ValueError says what it should have been."""
    if kind is bool:
        if raw.strip().lower() not in _BOOLEANS:
            raise ValueError("true or false (1/0, yes/no, on/off)")
        return _BOOLEANS[raw.strip().lower()]
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            raise ValueError("an integer" if kind is int else "a number") from None
    if kind is timedelta:
        try:
            return timedelta(seconds=float(raw))
        except ValueError:
            raise ValueError("a number of seconds") from None
    if kind in (dict, list):
        return _parsed_json(raw, kind, default)
    return raw


def _parsed_json(raw: str, kind: type, default):
    """A JSON object or array. An object's keys replace the default's one by one (keys left out
    keep their default); where the default has keys, no others are taken, each of the default's
    value type."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, kind):
        raise ValueError("a JSON " + ("object" if kind is dict else "array"))
    if kind is list or not default:
        return value
    for key, item in value.items():
        if key not in default:
            raise ValueError(f"a JSON object of {', '.join(default)}")
        if _json_kind(item) != _json_kind(default[key]):
            raise ValueError(f"a JSON object whose {key} is like {json.dumps(default[key])}")
    return {**default, **value}


def _json_kind(value) -> str:
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


def settings_from_env(environ: Mapping[str, str], defaults: Mapping) -> dict:
    """Every setting whose YIZHAN_<NAME> is set (an empty variable counts as unset), read as its
    default's type. Not Flask's Config.from_prefixed_env, which takes any prefixed variable as a
    setting (a typo starts silently), guesses each value's type with json.loads (a secret of digits
    would become an int) and keeps a value it cannot parse as text instead of refusing it."""
    out = {}
    for name, kind in _setting_kinds().items():
        raw = environ.get(ENV_PREFIX + name)
        if raw is None or raw == "":
            continue
        try:
            out[name] = _parsed(raw, kind, defaults[name])
        except ValueError as exc:
            raise ConfigError(f"{ENV_PREFIX}{name} must be {exc}, not {raw!r}") from None
    return out


def _check_renamed_variables(environ: Mapping[str, str], env_name: str) -> None:
    stale = [f"{old} is no longer read: set {new}" for old, new in RENAMED_VARIABLES.items() if environ.get(old) and not environ.get(new)]
    if not stale:
        return
    if env_name == "production":
        raise ConfigError("refusing to start in production: " + "; ".join(stale))
    warnings.warn("; ".join(stale), ConfigWarning, stacklevel=3)


def _settings_of(cls: type) -> dict:
    return {k: getattr(cls, k) for k in dir(cls) if k.isupper()}


def load_config(
    env_name: str | None = None,
    overrides: Mapping | None = None,
    environ: Mapping[str, str] | None = None,
    instance_path: str | None = None,
) -> dict:
    """Build the settings for one app: class defaults, then the environment, then overrides."""
    environ = os.environ if environ is None else environ
    env_name = env_name or environ.get("YIZHAN_ENV", "development")
    if env_name not in CONFIGS:
        raise ConfigError(f"YIZHAN_ENV must be one of {sorted(CONFIGS)}, not {env_name!r}")
    settings = _settings_of(CONFIGS[env_name])
    settings["ENV_NAME"] = env_name
    _check_renamed_variables(environ, env_name)
    settings.update(settings_from_env(environ, settings))
    settings.update(overrides or {})
    settings["WECHAT_TIMEOUT"] = _wechat_timeout(settings["WECHAT_TIMEOUT"])
    _check_wechat_push(settings)
    if any(weight < 0 for weight in settings["QUALITY_WEIGHTS"].values()):
        raise ConfigError("YIZHAN_QUALITY_WEIGHTS must be a JSON object of weights of 0 or more")
    database_url = settings.get("SQLALCHEMY_DATABASE_URI") or settings["DATABASE_URL"]
    if not database_url and env_name != "production":
        database_url = private_database_url(Path(instance_path or "instance"))
    settings["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(database_url or "")
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(settings)
    settings["RATELIMIT_STORAGE_URI"] = settings.get("REDIS_URL") or "memory://"
    settings["RATELIMIT_KEY_PREFIX"] = settings["REDIS_KEY_PREFIX"]
    if env_name == "production":
        check_production(settings)
    return settings


def private_database_url(instance: Path) -> str:
    """The database of the private PostgreSQL cluster in the instance folder, which `make run`
    starts when no YIZHAN_DATABASE_URL is given (scripts/private_postgres.py). It listens on a Unix
    socket: where the running server's postmaster.pid says, else in its data folder."""
    pgdata = (instance / "postgres").resolve()
    socket_dir = pgdata
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        socket_dir = Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else pgdata
    except OSError:
        pass
    return f"postgresql://postgres@/yizhan?host={socket_dir}"


def _normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgresql:// URLs would ask for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _engine_options(settings: Mapping) -> dict:
    """Pre-ping pooled connections (a database restart leaves them dead) and, on PostgreSQL, a
    connect timeout, so an unreachable database is a quick 503 rather than a hang."""
    options = dict(settings.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(settings["DB_CONNECT_TIMEOUT"]))
        options["connect_args"] = connect_args
    return options


def _wechat_timeout(value) -> float:
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        timeout = 0
    if not 0 < timeout <= 30:
        raise ConfigError("WECHAT_TIMEOUT must be a number of seconds between 0 and 30")
    return timeout


def _check_wechat_push(settings: Mapping) -> None:
    if settings["WECHAT_PUSH_MODE"] not in WECHAT_PUSH_MODES:
        raise ConfigError(f"WECHAT_PUSH_MODE must be one of {', '.join(WECHAT_PUSH_MODES)}")
    key = settings.get("WECHAT_PUSH_AES_KEY") or ""
    if settings.get("WECHAT_PUSH_TOKEN") and settings["WECHAT_PUSH_MODE"] != "plain" and len(key) != 43:
        raise ConfigError("WECHAT_PUSH_AES_KEY must be the 43-character EncodingAESKey (or WECHAT_PUSH_MODE=plain)")


def _wechat_push_problems(settings: Mapping) -> list[str]:
    """Unset, the push endpoint refuses every push; set, it must not be the fake's (public) pair."""
    problems = []
    if settings.get("WECHAT_PUSH_TOKEN") == FAKE_WECHAT_PUSH_TOKEN:
        problems.append("WECHAT_PUSH_TOKEN must be the admin console's message push Token, not the fake's")
    if settings.get("WECHAT_PUSH_AES_KEY") == FAKE_WECHAT_PUSH_AES_KEY:
        problems.append("WECHAT_PUSH_AES_KEY must be the admin console's EncodingAESKey, not the fake's")
    return problems


def _wechat_problems(settings: Mapping) -> list[str]:
    problems = []
    if not settings.get("WECHAT_APPID") or not settings.get("WECHAT_SECRET"):
        problems.append("WECHAT_APPID and WECHAT_SECRET must be set (the mini-program's credentials)")
    elif settings.get("WECHAT_APPID") == FAKE_WECHAT_APPID or settings.get("WECHAT_SECRET") == FAKE_WECHAT_SECRET:
        problems.append("WECHAT_APPID and WECHAT_SECRET must be the mini-program's, not the fake WeChat's")
    if not str(settings.get("WECHAT_API_BASE", "")).startswith("https://"):
        problems.append("WECHAT_API_BASE must be an https:// address")
    return problems


def check_production(settings: Mapping) -> None:
    problems = []
    if not settings.get("SECRET_KEY") or settings["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        problems.append("YIZHAN_SECRET_KEY must be set in the environment")
    elif len(settings["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY must be at least 32 characters")
    problems += [f"{name} must be off in production" for name in DEV_ONLY_SWITCHES if settings.get(name)]
    if not settings.get("SQLALCHEMY_DATABASE_URI"):
        problems.append("YIZHAN_DATABASE_URL must be set (a PostgreSQL URL)")
    if not str(settings.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be the https:// address printed on the signs")
    if settings.get("SIGN_SECRET") and len(settings["SIGN_SECRET"]) < 32:
        problems.append("SIGN_SECRET must be at least 32 characters")
    problems += _wechat_problems(settings)
    problems += _wechat_push_problems(settings)
    if problems:
        raise ConfigError("refusing to start in production: " + "; ".join(problems))
