"""Templates, subscribe credits and the inbox over HTTP (API.md "Notifications")."""
import threading

import pytest
import requests

from backend import domains

from .conftest import credit_left, queue


def test_templates_are_public_and_cover_every_kind(client):
    r = client.get("/notification-templates")
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [i["kind"] for i in items] == list(domains.notification_kinds_of(client.app))
    assert all(i["template_id"] == f"tmpl_{i['kind']}" and i["title"] for i in items)
    assert set(items[0]) == {"kind", "template_id", "title"}


def test_templates_follow_config(client, config):
    config(WECHAT_SUBSCRIBE_TEMPLATES={"order_ready": {"template_id": "T-ready", "title": "取餐",
                                                       "fields": {"thing1": "cafe"}},
                                       "order_refunded": "T-refund"})
    items = client.get("/notification-templates").get_json()["items"]
    assert items == [{"kind": "order_ready", "template_id": "T-ready", "title": "取餐"},
                     {"kind": "order_refunded", "template_id": "T-refund", "title": "退款成功通知"}]


@pytest.mark.parametrize("method,path", [
    ("GET", "/me/subscriptions"), ("POST", "/me/subscriptions"),
    ("GET", "/me/notifications"), ("POST", "/me/notifications/1/read")])
def test_routes_need_a_token(client, method, path):
    r = client.request(method, path, {"accepted": []} if method == "POST" else None)
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthenticated"


def test_accepting_templates_adds_one_credit_each(app, login):
    api = login()
    r = api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready", "tmpl_signup_confirmed"]})
    assert r.status_code == 200, r.get_json()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    items = {i["template_id"]: i for i in api.get("/me/subscriptions").get_json()["items"]}
    assert len(items) == len(domains.notification_kinds_of(app))
    assert items["tmpl_order_ready"] == {"template_id": "tmpl_order_ready", "kind": "order_ready",
                                         "title": "取餐通知", "remaining": 2}
    assert items["tmpl_signup_confirmed"]["remaining"] == 1
    assert items["tmpl_activity_reminder"]["remaining"] == 0
    # Another user's credits are their own.
    other = login()
    assert all(i["remaining"] == 0 for i in other.get("/me/subscriptions").get_json()["items"])


@pytest.mark.parametrize("body", [
    {"accepted": ["tmpl_order_ready", "tmpl_nope"]},
    {"accepted": "tmpl_order_ready"},
    {"accepted": [""]},
    {"accepted": ["x" * 65]},
    {},
    {"accepted": ["tmpl_order_ready"], "extra": 1},
])
def test_bad_subscriptions_are_422_and_change_nothing(app, login, body):
    api = login()
    r = api.post("/me/subscriptions", body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "validation_error"
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 0


def test_unknown_template_names_the_field(login):
    r = login().post("/me/subscriptions", {"accepted": ["tmpl_nope"]})
    assert "accepted" in r.get_json()["error"]["fields"]


def test_inbox_lists_newest_first_and_filters_unread(app, login):
    api = login()
    first = queue(app, api.user_id, title="第一条")
    second = queue(app, api.user_id, title="第二条")
    queue(app, login().user_id, title="别人的")
    r = api.get("/me/notifications")
    assert r.status_code == 200
    page = r.get_json()
    assert page["total"] == 2 and page["page"] == 1 and page["page_size"] == 20
    assert [i["id"] for i in page["items"]] == [second, first]
    item = page["items"][0]
    assert set(item) == {"id", "kind", "title", "body", "page", "created_at", "read_at", "delivery"}
    assert item["delivery"] == "pending" and item["read_at"] is None
    assert item["created_at"].endswith("+08:00")

    r = api.post(f"/me/notifications/{first}/read")
    assert r.status_code == 200
    read_at = r.get_json()["read_at"]
    assert read_at.endswith("+08:00")
    # Idempotent: the first read time stays.
    again = api.post(f"/me/notifications/{first}/read").get_json()
    assert again["read_at"] == read_at
    assert [i["id"] for i in api.get("/me/notifications?unread=true").get_json()["items"]] == [second]
    assert [i["id"] for i in api.get("/me/notifications?unread=false").get_json()["items"]] == [first]
    p2 = api.get("/me/notifications?page=2&page_size=1").get_json()
    assert p2["total"] == 2 and [i["id"] for i in p2["items"]] == [first]


def test_someone_elses_notification_is_404(app, login):
    mine, theirs = login(), login()
    nid = queue(app, theirs.user_id)
    for target in (nid, nid + 1000):
        r = mine.post(f"/me/notifications/{target}/read")
        assert r.status_code == 404
        assert r.get_json()["error"]["code"] == "not_found"
    assert theirs.get("/me/notifications?unread=true").get_json()["total"] == 1


@pytest.mark.parametrize("query", ["page_size=101", "page_size=0", "page=0", "unread=maybe"])
def test_bad_inbox_queries_are_422(login, query):
    r = login().get(f"/me/notifications?{query}")
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "validation_error"


def test_openapi_describes_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for p in ("/api/v1/notification-templates", "/api/v1/me/subscriptions", "/api/v1/me/notifications",
              "/api/v1/me/notifications/{notification_id}/read"):
        assert p in paths


@pytest.mark.postgres
def test_concurrent_accepts_lose_no_credit(app, login):
    """40 accepts of one template at once, over real HTTP: 40 credits, none lost to a race."""
    api = login()
    url = app.config["LIVE_URL"] + "/api/v1/me/subscriptions"
    n = 40
    barrier = threading.Barrier(n)
    codes = []

    def fire():
        barrier.wait()
        r = requests.post(url, json={"accepted": ["tmpl_order_ready"]},
                          headers={"Authorization": f"Bearer {api.token}"}, timeout=30)
        codes.append(r.status_code)

    threads = [threading.Thread(target=fire) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * n
    assert credit_left(app, api.user_id, "tmpl_order_ready") == n
