"""`flask users grant-admin OPENID` and `flask users grant-staff OPENID SITE_ID [--manager]`."""
from ..factories import SiteFactory


def test_grant_admin_and_staff(login, app, db_session):
    api = login("boss")
    site_id = SiteFactory(kind="rehab").id
    runner = app.test_cli_runner()
    out = runner.invoke(args=["users", "grant-admin", "boss"])
    assert out.exit_code == 0, out.output
    assert api.get("/me").status_code == 401  # role change revokes tokens
    assert "admin" in login("boss").get("/me").get_json()["roles"]
    out = runner.invoke(args=["users", "grant-staff", "boss", str(site_id), "--manager"])
    assert out.exit_code == 0, out.output
    me = login("boss").get("/me").get_json()
    assert me["staff_sites"] == [{"site_id": site_id, "role": "manager"}]


def test_cli_errors(app, db_session):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["users", "grant-admin", "nobody-here"])
    assert out.exit_code != 0 and "nobody-here" in out.output
    SiteFactory()
    out = runner.invoke(args=["users", "grant-staff", "nobody-here", "1"])
    assert out.exit_code != 0


def test_no_cors_headers(client):
    r = client.get("/sites", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
