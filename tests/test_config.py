"""Settings per environment: every setting is read from the environment one way (YIZHAN_<NAME>,
parsed by its default's type); production refuses unsafe settings."""

import json
from datetime import timedelta

import pytest

from app import create_app
from config import ConfigError, load_config
from config.settings import DEFAULT_SECRET_KEY, NEVER_FROM_ENV, RENAMED_VARIABLES, BaseConfig, ConfigWarning

STRONG = "s" * 48
# What a production deployment sets besides the secret.
PRODUCTION_ENV = {
    "YIZHAN_SECRET_KEY": STRONG,
    "YIZHAN_PUBLIC_BASE_URL": "https://yizhan.example.cn",
    "YIZHAN_WECHAT_APPID": "wx1234567890abcdef",
    "YIZHAN_WECHAT_SECRET": "0123456789abcdef0123456789abcdef",
    "YIZHAN_DATABASE_URL": "postgresql://yizhan@db-host/yizhan",
}


def test_production_refuses_the_default_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production", environ={}, instance_path=str(tmp_path))


def test_production_refuses_a_short_secret(tmp_path):
    with pytest.raises(ConfigError, match="32"):
        load_config("production", environ={"YIZHAN_SECRET_KEY": "short"}, instance_path=str(tmp_path))


@pytest.mark.parametrize("switch", ["DEBUG", "TESTING", "DEMO_DATA_ALLOWED"])
def test_production_refuses_development_switches(tmp_path, switch):
    with pytest.raises(ConfigError, match=switch):
        load_config("production", {switch: True}, environ=PRODUCTION_ENV, instance_path=str(tmp_path))


def test_production_starts_with_a_real_secret(tmp_path):
    settings = load_config("production", environ=PRODUCTION_ENV, instance_path=str(tmp_path))
    assert settings["SECRET_KEY"] == STRONG
    assert settings["DEMO_DATA_ALLOWED"] is False


def test_create_app_refuses_unsafe_production(monkeypatch):
    monkeypatch.setenv("YIZHAN_ENV", "production")
    monkeypatch.delenv("YIZHAN_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_embedded_defaults_without_configuration(tmp_path):
    settings = load_config("development", environ={}, instance_path=str(tmp_path))
    # The private PostgreSQL cluster `make run` starts in the instance folder, on its socket.
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"postgresql+psycopg://postgres@/yizhan?host={tmp_path / 'postgres'}"
    assert settings["REDIS_URL"] is None
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_private_cluster_is_found_where_its_server_says(tmp_path):
    pgdata = tmp_path / "postgres"
    pgdata.mkdir()
    (pgdata / "postmaster.pid").write_text("4242\n/x\n1700000000\n5432\n/run/short-socket\n\n1 2\nready\n")
    settings = load_config("development", environ={}, instance_path=str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@/yizhan?host=/run/short-socket"


def test_production_needs_a_database_url(tmp_path):
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k != "YIZHAN_DATABASE_URL"}
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config("production", environ=environ, instance_path=str(tmp_path))


def test_environment_selects_postgresql_and_redis(tmp_path):
    settings = load_config(
        "development",
        environ={"YIZHAN_DATABASE_URL": "postgresql://u@db/yizhan", "YIZHAN_REDIS_URL": "redis://cache:6379/1"},
        instance_path=str(tmp_path),
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/yizhan"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"


def test_geo_bounds_from_environment(tmp_path):
    bounds = '{"lat_min": 20, "lat_max": 40, "lng_min": 100, "lng_max": 110}'
    settings = load_config("development", environ={"YIZHAN_GEO_BOUNDS": bounds}, instance_path=str(tmp_path))
    assert settings["GEO_BOUNDS"] == {"lat_min": 20, "lat_max": 40, "lng_min": 100, "lng_max": 110}
    with pytest.raises(ConfigError):
        load_config("development", environ={"YIZHAN_GEO_BOUNDS": "nonsense"}, instance_path=str(tmp_path))


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config("staging", environ={}, instance_path=str(tmp_path))


def test_production_signs_point_at_https(tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        load_config("production", environ={**PRODUCTION_ENV, "YIZHAN_PUBLIC_BASE_URL": "http://x"}, instance_path=str(tmp_path))


def test_production_refuses_a_short_sign_secret(tmp_path):
    with pytest.raises(ConfigError, match="SIGN_SECRET"):
        load_config("production", environ={**PRODUCTION_ENV, "YIZHAN_SIGN_SECRET": "short"}, instance_path=str(tmp_path))


def test_production_requires_the_mini_programs_credentials(tmp_path):
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k != "YIZHAN_WECHAT_SECRET"}
    with pytest.raises(ConfigError, match="WECHAT_APPID and WECHAT_SECRET must be set"):
        load_config("production", environ=environ, instance_path=str(tmp_path))


def test_tunables_from_environment(tmp_path):
    settings = load_config(
        "development",
        environ={"YIZHAN_CHECKIN_DEDUPE_MINUTES": "30", "YIZHAN_CHECKIN_GEOFENCE_M": "300"},
        instance_path=str(tmp_path),
    )
    assert (settings["CHECKIN_DEDUPE_MINUTES"], settings["CHECKIN_GEOFENCE_M"]) == (30, 300)
    with pytest.raises(ConfigError, match="YIZHAN_CHECKIN_GEOFENCE_M"):
        load_config("development", environ={"YIZHAN_CHECKIN_GEOFENCE_M": "far"}, instance_path=str(tmp_path))


# --- one way from the environment ------------------------------------------------------------------

# A value of each kind of setting, as text and as read.
SAMPLES = {
    str: ("some text", "some text"),
    int: ("7", 7),
    float: ("2.5", 2.5),
    bool: ("false", False),
    timedelta: ("90", timedelta(seconds=90)),
}
SETTABLE = sorted(name for name in dir(BaseConfig) if name.isupper() and name not in NEVER_FROM_ENV)


# Settings whose values are checked beyond their type.
VALID_TEXT = {"WECHAT_PUSH_MODE": "plain", "WECHAT_PUSH_AES_KEY": "k" * 43}


def sample(name: str) -> tuple[str, object]:
    """A value for the setting other than its default: as the variable's text, and as read."""
    default = getattr(BaseConfig, name)
    if isinstance(default, dict):  # one key changed, the others kept
        key, value = next(iter(default.items()))
        if isinstance(value, dict | bool):
            changed = {} if isinstance(value, dict) else not value
        else:
            changed = value + (1 if isinstance(value, int | float) else "!")
        return json.dumps({key: changed}), {**default, key: changed}
    if name in VALID_TEXT:
        return VALID_TEXT[name], VALID_TEXT[name]
    return SAMPLES[str if default is None else type(default)]  # every None default is `str | None`


@pytest.mark.parametrize("name", SETTABLE)
def test_every_setting_is_read_as_yizhan_name(tmp_path, name):
    raw, expected = sample(name)
    settings = load_config("testing", environ={f"YIZHAN_{name}": raw}, instance_path=str(tmp_path))
    if isinstance(expected, dict):  # load_config may add to a dict (the engine's connect timeout)
        assert settings[name].items() >= expected.items()
    else:
        assert settings[name] == expected


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("CHECKIN_GEOFENCE_M", "far"),
        ("CHECKIN_GEOFENCE_M", "2.5"),
        ("SATISFACTION_FOLLOW_UP_BELOW", "low"),
        ("SESSION_COOKIE_SECURE", "maybe"),
        ("STAFF_TOKEN_TTL", "8h"),
        ("GEO_BOUNDS", "30.6,33.2,103.6,105.8"),  # the old comma-separated form
        ("GEO_BOUNDS", '{"lat_min": "north"}'),
        ("QUALITY_WEIGHTS", '{"beauty": 10}'),
        ("QUALITY_WEIGHTS", "[1, 2]"),
        ("QUALITY_WEIGHTS", '{"visits": -5}'),
        ("WECHAT_TIMEOUT", "soon"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(tmp_path, name, bad):
    with pytest.raises(ConfigError, match=f"YIZHAN_{name} must be"):
        load_config("development", environ={f"YIZHAN_{name}": bad}, instance_path=str(tmp_path))


def test_types_are_parsed(tmp_path):
    environ = {
        "YIZHAN_SESSION_COOKIE_SECURE": "yes",
        "YIZHAN_WORKER_TOKEN_TTL": "3600",
        "YIZHAN_SATISFACTION_FOLLOW_UP_BELOW": "4",
        "YIZHAN_QUALITY_WEIGHTS": '{"visits": 50, "satisfaction": 0.5}',
        "YIZHAN_SIGN_SECRET": "1234567890",  # text stays text, even when it looks like a number
        "YIZHAN_REDIS_URL": "",  # empty counts as unset
    }
    settings = load_config("development", environ=environ, instance_path=str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["WORKER_TOKEN_TTL"] == timedelta(hours=1)
    assert settings["SATISFACTION_FOLLOW_UP_BELOW"] == 4.0
    assert settings["QUALITY_WEIGHTS"] == {**BaseConfig.QUALITY_WEIGHTS, "visits": 50, "satisfaction": 0.5}
    assert settings["SIGN_SECRET"] == "1234567890"
    assert settings["REDIS_URL"] is None


@pytest.mark.parametrize("switch", sorted(NEVER_FROM_ENV))
def test_development_switches_come_only_with_the_environment_name(tmp_path, switch):
    settings = load_config("production", environ={**PRODUCTION_ENV, f"YIZHAN_{switch}": "true"}, instance_path=str(tmp_path))
    assert settings[switch] is False


@pytest.mark.parametrize("old", sorted(RENAMED_VARIABLES))
def test_an_old_variable_is_refused_in_production(tmp_path, old):
    new = RENAMED_VARIABLES[old]
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k != new}
    with pytest.raises(ConfigError, match=f"{old} is no longer read: set {new}"):
        load_config("production", environ={**environ, old: "s" * 48}, instance_path=str(tmp_path))


def test_an_old_variable_is_ignored_with_a_warning_in_development(tmp_path):
    with pytest.warns(ConfigWarning, match="SECRET_KEY is no longer read: set YIZHAN_SECRET_KEY"):
        settings = load_config("development", environ={"SECRET_KEY": "s" * 48}, instance_path=str(tmp_path))
    assert settings["SECRET_KEY"] == DEFAULT_SECRET_KEY
    with pytest.warns(ConfigWarning, match="YIZHAN_REDIS_PREFIX is no longer read: set YIZHAN_REDIS_KEY_PREFIX"):
        load_config("development", environ={"YIZHAN_REDIS_PREFIX": "x"}, instance_path=str(tmp_path))


def test_the_new_variable_wins_silently_over_an_old_one_left_beside_it(tmp_path, recwarn):
    environ = {**PRODUCTION_ENV, "SECRET_KEY": "an-old-one"}
    assert load_config("production", environ=environ, instance_path=str(tmp_path))["SECRET_KEY"] == STRONG
    assert not [w for w in recwarn if issubclass(w.category, ConfigWarning)]


def test_nothing_is_written_at_config_time(tmp_path):
    """Folders (the files store, the instance folder) are made when first written to, not when
    the settings are read or the app is made."""
    from tests.conftest import side_app
    from tests.services import NO_DATABASE

    load_config("development", environ={}, instance_path=str(tmp_path / "instance"))
    side_app({"SQLALCHEMY_DATABASE_URI": NO_DATABASE, "FILES_ROOT": str(tmp_path / "files")})
    assert list(tmp_path.iterdir()) == []
