"""Menu use cases: the public menu, and café staff creating and editing items."""
from types import SimpleNamespace

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..common.reads import prebuilt, read_rows
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..identity import User, require_staff
from ..sites import Site, get_site, opening_status
from ..units import use_case
from .models import MenuCategory, MenuItem

ITEM_FIELDS = ("name", "description", "price_fen", "image_url", "sign_video_url", "available", "stock", "options")
# API.md's MenuItem: the public menu's fields, and what staff see after an edit.
MENU_ITEM_FIELDS = ("id", "name", "description", "price_fen", "image_url", "sign_video_url", "available",
                    "stock", "options")


@prebuilt
def _menu():
    """The café and its categories and items in order, one row per item (or per empty category):
    the menu is the café's hottest read (bench/), so one round trip and plain columns."""
    site, category, item = Site.__table__, MenuCategory.__table__, MenuItem.__table__
    return (select(site.c.kind, site.c.timezone.label("site_timezone"), site.c.opening_hours.label("site_hours"),
                   category.c.id.label("category_id"), category.c.name.label("category_name"),
                   *(item.c[name] for name in MENU_ITEM_FIELDS))
            .select_from(site.outerjoin(category, category.c.site_id == site.c.id)
                         .outerjoin(item, (item.c.site_id == site.c.id) & (item.c.category_id == category.c.id)))
            .where(site.c.id == bindparam("site_id"))
            .order_by(category.c.position, category.c.id, item.c.position, item.c.id))


def menu(site_id: int) -> dict:
    """Whether the café is open now (and when it next opens), and its categories in order, each with
    its items as API.md's MenuItem (unavailable ones too: the app greys them out); 404 unless the
    site is a café."""
    rows = read_rows(_menu(), {"site_id": site_id})
    if not rows or rows[0].kind != "cafe":
        raise NotFound()
    categories: list[dict] = []
    for row in rows:
        if row.category_id is None:  # a café without categories yet
            break
        if not categories or categories[-1]["id"] != row.category_id:
            categories.append({"id": row.category_id, "name": row.category_name, "items": []})
        if row.id is not None:
            fields = row._mapping
            categories[-1]["items"].append({name: fields[name] for name in MENU_ITEM_FIELDS})
    first = rows[0]
    hours = SimpleNamespace(timezone=first.site_timezone, opening_hours=first.site_hours)
    return {**opening_status(hours, utcnow()), "categories": categories}


def item_view(item: MenuItem) -> dict:
    return {**{name: getattr(item, name) for name in MENU_ITEM_FIELDS}, "category": item.category.name,
            "site_id": item.site_id}


def _category(site_id: int, name: str) -> MenuCategory:
    """The café's category of that name, created (last in order) when new."""
    found = db.session.scalar(select(MenuCategory).where(MenuCategory.site_id == site_id, MenuCategory.name == name))
    if found is not None:
        return found
    last = db.session.scalar(select(func.max(MenuCategory.position)).where(MenuCategory.site_id == site_id))
    category = MenuCategory(site_id=site_id, name=name, position=(last or 0) + 1)
    try:
        with db.session.begin_nested():  # two staff creating the same new category at once
            db.session.add(category)
    except IntegrityError:
        return db.session.scalars(select(MenuCategory).where(
            MenuCategory.site_id == site_id, MenuCategory.name == name)).one()
    return category


def _check_prices(price_fen: int, options: list[dict]) -> None:
    """No choice may bring an item below zero: a negative line would discount the rest of the order."""
    for option in options or []:
        for choice in option.get("choices", []):
            if price_fen + choice.get("price_delta_fen", 0) < 0:
                raise Invalid(fields={"options": [f"「{option['name']}：{choice['label']}」使价格低于 0"]})


@use_case
def create_item(staff: User, site_id: int, data: dict) -> dict:
    require_staff(staff, site_id)
    _check_prices(data["price_fen"], data.get("options") or [])
    get_site(site_id, kind="cafe")
    category = _category(site_id, data["category"])
    last = db.session.scalar(select(func.max(MenuItem.position)).where(MenuItem.category_id == category.id))
    item = MenuItem(site_id=site_id, category_id=category.id, position=(last or 0) + 1,
                    **{k: data[k] for k in ITEM_FIELDS if k in data})
    db.session.add(item)
    db.session.flush()
    return item_view(item)


@use_case
def update_item(staff: User, item_id: int, changes: dict) -> dict:
    require_staff(staff)  # 403 for a non-staff user before anything is looked up
    item = db.session.get(MenuItem, item_id)
    if item is None:
        raise NotFound()
    require_staff(staff, item.site_id)
    _check_prices(changes.get("price_fen", item.price_fen), changes.get("options", item.options))
    if "category" in changes:
        item.category_id = _category(item.site_id, changes["category"]).id
    for k in ITEM_FIELDS:
        if k in changes:
            setattr(item, k, changes[k])
    db.session.flush()
    return item_view(item)
