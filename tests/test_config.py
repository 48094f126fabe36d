"""Settings per environment: production refuses unsafe settings."""

import pytest

from app import create_app
from config import ConfigError, load_config
from config.settings import DEFAULT_SECRET_KEY

STRONG = "s" * 48
# What a production deployment sets besides the secret.
PRODUCTION_ENV = {
    "SECRET_KEY": STRONG,
    "PUBLIC_BASE_URL": "https://yizhan.example.cn",
    "WECHAT_APPID": "wx1234567890abcdef",
    "WECHAT_SECRET": "0123456789abcdef0123456789abcdef",
    "DATABASE_URL": "postgresql://yizhan@db-host/yizhan",
}


def test_production_refuses_the_default_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production", environ={}, instance_path=str(tmp_path))


def test_production_refuses_a_short_secret(tmp_path):
    with pytest.raises(ConfigError, match="32"):
        load_config("production", environ={"SECRET_KEY": "short"}, instance_path=str(tmp_path))


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
    monkeypatch.delenv("SECRET_KEY", raising=False)
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
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config("production", environ=environ, instance_path=str(tmp_path))


def test_environment_selects_postgresql_and_redis(tmp_path):
    settings = load_config(
        "development",
        environ={"DATABASE_URL": "postgresql://u@db/yizhan", "REDIS_URL": "redis://cache:6379/1"},
        instance_path=str(tmp_path),
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/yizhan"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"


def test_geo_bounds_from_environment(tmp_path):
    settings = load_config("development", environ={"YIZHAN_GEO_BOUNDS": "20,40,100,110"}, instance_path=str(tmp_path))
    assert settings["GEO_BOUNDS"] == {"lat_min": 20, "lat_max": 40, "lng_min": 100, "lng_max": 110}
    with pytest.raises(ConfigError):
        load_config("development", environ={"YIZHAN_GEO_BOUNDS": "nonsense"}, instance_path=str(tmp_path))


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config("staging", environ={}, instance_path=str(tmp_path))


def test_production_signs_point_at_https(tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        load_config("production", environ={**PRODUCTION_ENV, "PUBLIC_BASE_URL": "http://x"}, instance_path=str(tmp_path))


def test_production_refuses_a_short_sign_secret(tmp_path):
    with pytest.raises(ConfigError, match="SIGN_SECRET"):
        load_config("production", environ={**PRODUCTION_ENV, "SIGN_SECRET": "short"}, instance_path=str(tmp_path))


def test_production_requires_the_mini_programs_credentials(tmp_path):
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k != "WECHAT_SECRET"}
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
