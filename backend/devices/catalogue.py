"""The catalogue: ISO 9999 classes and products (makers manage theirs, admins any, imports by file)."""
from sqlalchemy import or_, select

from ..common.pagination import page_of
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..identity import User, require_admin
from ..units import use_case
from . import classification, spreadsheet
from .access import maker_ids
from .models import DeviceClass, Maker, Product

PRODUCT_FIELDS = ("code", "name", "model", "class_code", "description", "image_url", "price_fen",
                  "subsidy_standard_fen", "useful_life_months", "training_sessions", "loanable", "loan_days",
                  "maintenance_interval_days", "active")


# ---------------------------------------------------------------- classes

def list_classes() -> dict:
    rows = db.session.scalars(select(DeviceClass).order_by(DeviceClass.code)).all()
    return {"items": [{"code": c.code, "name": c.name, "parent": c.parent_code} for c in rows]}


def class_name(code: str) -> str:
    return db.session.scalar(select(DeviceClass.name).where(DeviceClass.code == code)) or code


@use_case
def import_classes(text: str) -> tuple[int, list]:
    """`flask devices import-classes FILE.csv`: subclasses and divisions, all or nothing. Returns
    (how many were loaded, the errors by line)."""
    known = set(db.session.scalars(select(DeviceClass.code)))
    rows, errors = classification.parse_class_csv(text, known_codes=known)
    if errors:
        return 0, errors
    for row in rows:  # parents first
        found = db.session.get(DeviceClass, row.code)
        if found is None:
            db.session.add(DeviceClass(code=row.code, name=row.name, parent_code=row.parent))
        else:
            found.name = row.name
        db.session.flush()
    return len(rows), []


def require_class(code: str, field: str = "class_code") -> DeviceClass:
    found = db.session.get(DeviceClass, code)
    if found is None:
        raise Invalid(fields={field: ["没有这个分类代码"]})
    return found


# ---------------------------------------------------------------- products

def product_view(p: Product) -> dict:
    return {"id": p.id, "code": p.code, "name": p.name, "model": p.model,
            "maker": {"id": p.maker_id, "name": p.maker.name}, "class_code": p.class_code,
            "description": p.description, "image_url": p.image_url, "price_fen": p.price_fen,
            "subsidy_standard_fen": p.subsidy_standard_fen, "useful_life_months": p.useful_life_months,
            "training_sessions": p.training_sessions, "loanable": p.loanable, "loan_days": p.loan_days,
            "maintenance_interval_days": p.maintenance_interval_days, "active": p.active}


def within_class(column, code: str):
    """`class_code=12` matches 12 and everything under it (12.22, 12.22.03)."""
    return or_(column == code, column.like(f"{code}.%"))


def list_products(*, class_code: str | None, q: str | None, loanable: bool | None, page: int,
                  page_size: int) -> dict:
    stmt = select(Product).join(Maker).where(Product.active.is_(True)).order_by(Product.class_code, Product.id)
    if class_code:
        stmt = stmt.where(within_class(Product.class_code, class_code))
    if q:
        stmt = stmt.where(or_(Product.name.contains(q), Product.model.contains(q), Maker.name.contains(q)))
    if loanable is not None:
        stmt = stmt.where(Product.loanable.is_(loanable))
    result = page_of(stmt, page, page_size)
    result["items"] = [product_view(p) for p in result["items"]]
    return result


def _product_maker(user: User, maker_id: int | None) -> int:
    """Maker staff work on their own maker's products; an admin names the maker."""
    if user.is_admin:
        if maker_id is None:
            raise Invalid(fields={"maker_id": ["管理员须指定厂家"]})
        if db.session.get(Maker, maker_id) is None:
            raise Invalid(fields={"maker_id": ["没有这个厂家"]})
        return maker_id
    mine = maker_ids(user)
    if not mine:
        raise Forbidden()
    if maker_id is None and len(mine) == 1:
        return next(iter(mine))
    if maker_id not in mine:
        raise Invalid(fields={"maker_id": ["不是您所在的厂家"]})
    return maker_id


@use_case
def create_product(user: User, data: dict) -> dict:
    maker_id = _product_maker(user, data.get("maker_id"))
    require_class(data["class_code"])
    if db.session.scalar(select(Product.id).where(Product.maker_id == maker_id, Product.code == data["code"])):
        raise Invalid(fields={"code": ["该厂家已有此产品编码"]})
    product = Product(maker_id=maker_id, **{k: data[k] for k in PRODUCT_FIELDS if k in data})
    db.session.add(product)
    db.session.flush()
    return product_view(product)


@use_case
def update_product(user: User, product_id: int, data: dict) -> dict:
    product = db.session.get(Product, product_id)
    if product is None or not (user.is_admin or product.maker_id in maker_ids(user)):
        if not user.is_admin and not maker_ids(user):
            raise Forbidden()
        raise NotFound()
    if "class_code" in data:
        require_class(data["class_code"])
    if "code" in data and data["code"] != product.code and db.session.scalar(select(Product.id).where(
            Product.maker_id == product.maker_id, Product.code == data["code"])):
        raise Invalid(fields={"code": ["该厂家已有此产品编码"]})
    for key in PRODUCT_FIELDS:
        if key in data:
            setattr(product, key, data[key])
    db.session.flush()
    return product_view(product)


def active_product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or not product.active:
        raise NotFound()
    return product


@use_case
def import_products(admin: User, filename: str, data: bytes, maker_id: int | None) -> dict:
    """Upsert by (maker, code) from an .xlsx or .csv; a file with any error row changes nothing."""
    require_admin(admin)
    rows, errors = spreadsheet.parse_products(filename, data, maker_id=maker_id)
    errors = [e.as_dict() for e in errors]
    if rows:
        classes = set(db.session.scalars(select(DeviceClass.code).where(
            DeviceClass.code.in_({r.class_code for r in rows}))))
        makers = set(db.session.scalars(select(Maker.id).where(Maker.id.in_({r.maker_id for r in rows if r.maker_id}))))
        for r in rows:
            if r.class_code not in classes:
                errors.append({"row": r.row, "field": "class_code", "message": "没有这个分类代码"})
            if r.maker_id is None:
                errors.append({"row": r.row, "field": "maker_id", "message": "须指定厂家（maker_id 列或表单字段）"})
            elif r.maker_id not in makers:
                errors.append({"row": r.row, "field": "maker_id", "message": "没有这个厂家"})
    if errors:
        return {"created": 0, "updated": 0, "errors": sorted(errors, key=lambda e: (e["row"], e["field"]))}
    existing = {(p.maker_id, p.code): p for p in db.session.scalars(select(Product).where(
        Product.maker_id.in_({r.maker_id for r in rows}), Product.code.in_({r.code for r in rows})))}
    created = updated = 0
    for r in rows:
        values = {k: getattr(r, k) for k in PRODUCT_FIELDS}
        found = existing.get((r.maker_id, r.code))
        if found is None:
            db.session.add(Product(maker_id=r.maker_id, **values))
            created += 1
        else:
            for k, v in values.items():
                setattr(found, k, v)
            updated += 1
    db.session.flush()
    return {"created": created, "updated": updated, "errors": []}
