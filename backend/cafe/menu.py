"""Menu use cases: the public menu, and café staff creating and editing items."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import Invalid, NotFound
from ..extensions import db
from ..identity.access import require_staff
from ..identity.models import User
from ..sites.models import Site
from .models import MenuCategory, MenuItem

ITEM_FIELDS = ("name", "description", "price_fen", "image_url", "sign_video_url", "available", "stock", "options")


def cafe_site(site_id: int) -> Site:
    """A café site, else 404 (a home or rehab station has no menu)."""
    site = db.session.get(Site, site_id)
    if site is None or site.kind != "cafe":
        raise NotFound()
    return site


def menu(site_id: int) -> list[dict]:
    """Categories in order, each with its items (unavailable ones too: the app greys them out)."""
    cafe_site(site_id)
    categories = db.session.scalars(select(MenuCategory).where(MenuCategory.site_id == site_id)
                                    .order_by(MenuCategory.position, MenuCategory.id)).all()
    items = db.session.scalars(select(MenuItem).where(MenuItem.site_id == site_id)
                               .order_by(MenuItem.position, MenuItem.id)).all()
    by_category: dict[int, list[MenuItem]] = {}
    for item in items:
        by_category.setdefault(item.category_id, []).append(item)
    return [{"id": c.id, "name": c.name, "items": by_category.get(c.id, [])} for c in categories]


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


def create_item(staff: User, site_id: int, data: dict) -> MenuItem:
    require_staff(staff, site_id)
    _check_prices(data["price_fen"], data.get("options") or [])
    cafe_site(site_id)
    category = _category(site_id, data["category"])
    last = db.session.scalar(select(func.max(MenuItem.position)).where(MenuItem.category_id == category.id))
    item = MenuItem(site_id=site_id, category_id=category.id, position=(last or 0) + 1,
                    **{k: data[k] for k in ITEM_FIELDS if k in data})
    db.session.add(item)
    db.session.commit()
    return item


def update_item(staff: User, item_id: int, changes: dict) -> MenuItem:
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
    db.session.commit()
    return item
