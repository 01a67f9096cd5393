"""The console's loans page (`/console/loans`): live loans of the staff member's centres with their
units, overdue ones marked and listed on their own; another centre's loans never shown."""
import re
from datetime import timedelta

from sqlalchemy import update

from backend import localtime
from backend.extensions import db
from backend.loans.models import DeviceLoan

from ..loans.conftest import add_units, checkout, reserve, world  # noqa: F401 (the fixture)
from .helpers import Screen


def _overdue(loan_id: int) -> None:
    db.session.execute(update(DeviceLoan).where(DeviceLoan.id == loan_id).values(
        due_on=localtime.today() - timedelta(days=2)))
    db.session.commit()


def _loans(w):
    """Two loans at the centre (one overdue, one due in 30 days) and one at the other centre."""
    add_units(w, w.wheelchair, 1)
    add_units(w, w.walker, 1)
    add_units(w, w.wheelchair, 1, site=w.other_centre, prefix="WEST")
    late = checkout(w, reserve(w, w.wheelchair))
    _overdue(late["id"])
    due = checkout(w, reserve(w, w.walker, client=w.other_family, resident=w.other_resident), days=30)
    theirs = checkout(w, reserve(w, w.wheelchair, client=w.other_family, resident=w.other_resident,
                                 site_id=w.other_centre.id), client=w.other_staff)
    return late, due, theirs


def _page(screen: Screen, path: str) -> str:
    resp = screen.get(path)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, f"{path}: {resp.status_code} {html[:300]}"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    return html


def _rows(html: str) -> dict[int, str]:
    return {int(i): row for i, row in re.findall(r'<tr data-loan-id="(\d+)".*?>(.*?)</tr>', html, re.S)}


def test_the_loans_page_lists_my_centres_live_loans_with_units_and_marks_overdue(app, world):
    w = world
    late, due, theirs = _loans(w)
    mine = Screen(app).sign_in(w.plain_staff)
    html = _page(mine, "/console/loans")
    assert 'href="/console/loans" aria-current="page"' in html  # in the console's nav
    rows = _rows(html)
    assert list(rows) == [late["id"], due["id"]]  # oldest due first; the other centre's not at all
    assert "轻便轮椅" in rows[late["id"]] and late["item"]["serial_no"] in rows[late["id"]]
    assert "张阿姨" in rows[late["id"]] and "已逾期" in rows[late["id"]]
    assert "四脚助行器" in rows[due["id"]] and due["item"]["serial_no"] in rows[due["id"]]
    assert "借出中" in rows[due["id"]] and "已逾期" not in rows[due["id"]]
    assert theirs["item"]["serial_no"] not in html and "WEST" not in html and "西城区辅具中心" not in html
    overdue = _rows(_page(mine, "/console/loans?status=overdue"))
    assert list(overdue) == [late["id"]]
    # another centre's id in the query is not found, not its loans
    resp = mine.get(f"/console/loans?site_id={w.other_centre.id}")
    assert resp.status_code == 404 and "WEST" not in resp.get_data(as_text=True)
    # the other centre's manager sees only theirs
    other = _rows(_page(Screen(app).sign_in(w.other_staff), "/console/loans"))
    assert list(other) == [theirs["id"]]
    # an admin sees both centres (and may pick one)
    admin = Screen(app).sign_in(w.admin)
    assert set(_rows(_page(admin, "/console/loans"))) == {late["id"], due["id"], theirs["id"]}
    assert list(_rows(_page(admin, f"/console/loans?site_id={w.other_centre.id}"))) == [theirs["id"]]


def test_the_loans_page_is_the_sign_in_screen_for_non_staff(app, world, login):
    w = world
    assert Screen(app).http.get("/console/loans").status_code == 401
    assert Screen(app).sign_in(w.family).get("/console/loans").status_code == 403
