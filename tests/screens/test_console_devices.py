"""The console's later device-case steps over HTTP (in process): the follow-ups page (overdue ones
first, in the staff member's scope only) and the case page's follow-up form, recorded through the API."""
import re

from ..devices.conftest import devices, to_follow_up  # noqa: F401 - the fixture, and the way to follow-up
from .helpers import Screen


def test_followups_page_and_form_in_scope(app, devices):  # noqa: F811
    w = devices
    case = to_follow_up(w)
    assert case["status"] == "follow_up"
    mine, theirs = Screen(app).sign_in(w.staff), Screen(app).sign_in(w.other_staff)
    html = mine.get("/console/followups?status=overdue").get_data(as_text=True)
    rows = re.findall(r'<tr data-followup-id="(\d+)"', html)
    assert [int(r) for r in rows] == [f["id"] for f in case["followups"]]  # all past due (fitted in January)
    assert "张阿姨" in html and "已逾期" in html and f'href="/console/cases/{case["id"]}"' in html
    assert "张阿姨" not in mine.get("/console/followups?status=due").get_data(as_text=True)
    for path in ("/console/followups", "/console/followups?status=overdue", f"/console/cases/{case['id']}"):
        other = theirs.get(path)
        assert "张阿姨" not in other.get_data(as_text=True), path
    assert theirs.get(f"/console/cases/{case['id']}").status_code == 404

    page = mine.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    first = case["followups"][0]["id"]
    assert f'data-api="POST /api/v1/staff/device-followups/{first}"' in page and "第 1 次回访" in page
    refused = mine.post(f"/api/v1/staff/device-followups/{first}", {"method": "phone", "in_use": True,
                                                                    "satisfaction": 9, "outcome": "continue"})
    assert refused.status_code == 422 and "satisfaction" in refused.get_json()["error"]["fields"]
    assert 'data-error-for="satisfaction"' in page
    done = mine.post(f"/api/v1/staff/device-followups/{first}", {"method": "phone", "in_use": True,
                                                                 "satisfaction": 4, "outcome": "continue", "note": ""})
    assert done.status_code == 200, done.get_json()
    page = mine.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert "第 2 次回访" in page and "已回访" in page
