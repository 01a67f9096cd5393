"""The catalogue: classes (shipped and imported), products managed by their makers, imported by file,
searched by class and text; makers in `Me`."""
import io

from click.testing import CliRunner
from openpyxl import Workbook

from backend.devices.models import DeviceClass, Product
from backend.extensions import db


def test_the_twelve_main_classes_ship(client):
    items = client.get("/devices/classes").get_json()["items"]
    assert [(c["code"], c["name"]) for c in items][:3] == [("04", "个人医疗"), ("05", "技能训练"), ("06", "矫形器和假肢")]
    assert len(items) == 12 and all(c["parent"] is None for c in items)


def test_import_classes_from_the_cli_all_or_nothing(app, tmp_path, db_session):
    good = tmp_path / "good.csv"
    good.write_text("code,name\n12.22,手动轮椅车\n12.22.03,双手驱动轮椅车\n", encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n12.23,电动轮椅车\n12-24,坏代码\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app.cli, ["devices", "import-classes", str(bad)])
    assert result.exit_code != 0 and "line 3" in result.output and db.session.get(DeviceClass, "12.23") is None
    result = runner.invoke(app.cli, ["devices", "import-classes", str(good)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(DeviceClass, "12.22.03").parent_code == "12.22"


def test_products_by_class_prefix_and_text(devices, client):
    w = devices
    w.maker.post("/maker/products", {"code": "HA-1", "name": "助听器", "class_code": "22", "price_fen": 480000})
    names = lambda q: [p["name"] for p in client.get(f"/devices/products?{q}").get_json()["items"]]  # noqa: E731
    assert names("class_code=12") == ["轻便轮椅", "护理轮椅"]
    assert names("class_code=22") == ["助听器"]
    assert names("q=护理") == ["护理轮椅"]
    assert names("q=康顺") == ["轻便轮椅", "护理轮椅", "助听器"]  # the maker's name
    w.maker.patch(f"/maker/products/{w.heavy['id']}", {"active": False})
    assert names("class_code=12") == ["轻便轮椅"]


def test_a_product_needs_a_known_class_and_a_unique_code(devices):
    w = devices
    r = w.maker.post("/maker/products", {"code": "X", "name": "x", "class_code": "99", "price_fen": 1})
    assert r.status_code == 422 and "class_code" in r.get_json()["error"]["fields"]
    r = w.maker.post("/maker/products", {"code": "WC-1", "name": "重复", "class_code": "12", "price_fen": 1})
    assert r.status_code == 422 and "code" in r.get_json()["error"]["fields"]
    r = w.admin.post("/maker/products", {"code": "Y", "name": "y", "class_code": "12", "price_fen": 1})
    assert r.status_code == 422 and "maker_id" in r.get_json()["error"]["fields"]


def test_makers_appear_in_me(devices):
    me = devices.maker.get("/me").get_json()
    assert "maker" in me["roles"] and me["makers"] == [{"maker_id": devices.maker_id, "name": "康顺器材"}]
    assert devices.family.get("/me").get_json()["makers"] == []


def _workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["产品编码", "产品名称", "型号", "分类代码", "价格（元）", "补贴标准（元）", "使用年限（月）", "可借用"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_200_row_import_with_3_bad_rows_changes_nothing_then_creates_200(devices):
    w = devices
    rows = [[f"IMP-{n:03d}", f"助行器{n}", "ZX", "12", 260 + n, 200, 36, "是"] for n in range(200)]
    broken = [list(r) for r in rows]
    broken[10][3] = "99"          # spreadsheet row 12: no such class
    broken[50][4] = "两百元"       # row 52: not a price
    broken[120][0] = "IMP-001"     # row 122: the code again
    def post(data):  # noqa: E306
        return w.admin.request("POST", "/admin/devices/products/import", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(data), "products.xlsx"), "maker_id": str(w.maker_id)})
    before = db.session.query(Product).count()
    r = post(_workbook(broken))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["created"], body["updated"]) == (0, 0)
    assert sorted((e["row"], e["field"]) for e in body["errors"]) == [(12, "class_code"), (52, "price_fen"),
                                                                      (122, "code")]
    assert db.session.query(Product).count() == before
    r = post(_workbook(rows)).get_json()
    assert (r["created"], r["updated"], r["errors"]) == (200, 0, [])
    assert db.session.query(Product).filter(Product.code == "IMP-007").one().price_fen == 26700
    again = post(_workbook(rows)).get_json()
    assert (again["created"], again["updated"]) == (0, 200)  # upserted by (maker, code)


def test_an_upload_of_the_wrong_kind(devices):
    w = devices
    r = w.admin.post("/admin/devices/products/import", {"maker_id": 1})
    assert r.status_code == 415
    r = w.admin.request("POST", "/admin/devices/products/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(b"not a spreadsheet"), "x.xlsx"), "maker_id": str(w.maker_id)})
    assert r.status_code == 200 and r.get_json()["errors"][0]["field"] == "file"
