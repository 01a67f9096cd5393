"""Production refuses unsafe settings."""
import pytest

from backend.config import DEV_FIELD_KEY, DEV_SECRET_KEY, ProductionConfig

SAFE = {"SECRET_KEY": "s" * 40, "FIELD_ENCRYPTION_KEY": "f" * 40, "DEBUG": False,
        "WECHAT_API_BASE": "https://api.weixin.qq.com/", "WECHATPAY_API_BASE": "https://api.mch.weixin.qq.com/"}


def test_safe_production_config_passes():
    ProductionConfig.validate(dict(SAFE))


@pytest.mark.parametrize("override", [
    {"SECRET_KEY": DEV_SECRET_KEY}, {"SECRET_KEY": ""}, {"FIELD_ENCRYPTION_KEY": DEV_FIELD_KEY},
    {"DEBUG": True}, {"WECHAT_API_BASE": "http://127.0.0.1:8900/"}, {"WECHATPAY_API_BASE": "http://localhost:8900/"},
])
def test_production_refuses(override):
    with pytest.raises(RuntimeError, match="refusing to start"):
        ProductionConfig.validate({**SAFE, **override})


def test_create_app_refuses_in_production():
    from miniprogram_api import create_app
    with pytest.raises(RuntimeError):
        create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_database_url_uses_psycopg3():
    from backend.config import database_url
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
