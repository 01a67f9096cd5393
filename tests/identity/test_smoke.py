def test_login_and_me(login):
    api = login("alice")
    r = api.get("/me")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["roles"] == []
