"""The content check fails open when no access token can be had (as when WeChat itself is down)."""
import requests


def test_no_access_token_the_text_is_accepted_unchecked(app, login):
    api = login()
    fake = app.config["FAKE_URL"]
    app.extensions.pop("wechat_mp", None)  # a fresh client: no token cached
    requests.post(f"{fake}/_fake/faults", timeout=5,
                  json={"api": "stable_token", "mode": "error", "errcode": -1, "times": 1}).raise_for_status()
    r = api.patch("/me", {"nickname": "小王"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["nickname"] == "小王"
    # The check did try to get a token, and that is what failed: the fault is used up.
    token = requests.post(f"{fake}/cgi-bin/stable_token", timeout=5, json={
        "grant_type": "client_credential", "appid": app.config["WECHAT_APPID"], "secret": "s"}).json()
    assert "access_token" in token, token
