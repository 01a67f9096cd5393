import pytest

from backend.extensions import db
from backend.identity.models import User

from ..cafe.helpers import add_item, make_cafe
from ..factories import staff_of
from .helpers import Screen


@pytest.fixture
def cafe(db_session):
    return make_cafe(name="手语咖啡测试店")


@pytest.fixture
def latte(cafe):
    return add_item(cafe, "拿铁", 1800)


@pytest.fixture
def barista(login, cafe):
    api = login()
    staff_of(db.session.get(User, api.user_id), cafe)
    return api


@pytest.fixture
def customer(login, db_session):
    api = login()
    user = db.session.get(User, api.user_id)
    user.nickname = "顾客甲乙丙"
    user.preferences = {"communication": "sign_language", "large_text": True}
    db.session.commit()
    return api


@pytest.fixture
def board_screen(app, barista) -> Screen:
    """The counter tablet, signed in by the barista."""
    return Screen(app).sign_in(barista)
