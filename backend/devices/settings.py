"""The federation's settings for device cases: subsidy groups and the approval chain (data the admin
edits: regions order their approval steps differently)."""
from sqlalchemy import delete, select

from ..errors import Invalid
from ..extensions import db
from ..identity import User, require_admin
from ..units import use_case
from .models import ApprovalStep, SubsidyGroup


def subsidy_groups_for(admin: User) -> dict:
    require_admin(admin)
    return subsidy_groups()


def approval_chain_for(admin: User) -> dict:
    require_admin(admin)
    return approval_chain()


def subsidy_groups() -> dict:
    rows = db.session.scalars(select(SubsidyGroup).order_by(SubsidyGroup.position, SubsidyGroup.key)).all()
    return {"items": [{"key": g.key, "name": g.name, "ratio_percent": g.ratio_percent} for g in rows]}


def ratios(keys: list[str]) -> dict[str, int]:
    return dict(db.session.execute(select(SubsidyGroup.key, SubsidyGroup.ratio_percent)
                                   .where(SubsidyGroup.key.in_(keys))).all())


@use_case
def set_subsidy_groups(admin: User, items: list[dict]) -> dict:
    """Replace the groups. A case keeps the keys it was filed with; its quote is computed when the
    person confirms a product, from the groups as they are then."""
    require_admin(admin)
    keys = [g["key"] for g in items]
    if len(keys) != len(set(keys)):
        raise Invalid(fields={"items": ["分组 key 不能重复"]})
    db.session.execute(delete(SubsidyGroup))
    db.session.add_all([SubsidyGroup(key=g["key"], name=g["name"], ratio_percent=g["ratio_percent"], position=n)
                        for n, g in enumerate(items)])
    db.session.flush()
    return subsidy_groups()


def approval_chain() -> dict:
    rows = db.session.scalars(select(ApprovalStep).order_by(ApprovalStep.position)).all()
    return {"steps": [{"key": s.key, "name": s.name, "by": s.by} for s in rows]}


@use_case
def set_approval_chain(admin: User, steps: list[dict]) -> dict:
    """Replace the chain. Cases already in approval keep the chain they entered with."""
    require_admin(admin)
    keys = [s["key"] for s in steps]
    if len(keys) != len(set(keys)):
        raise Invalid(fields={"steps": ["步骤 key 不能重复"]})
    db.session.execute(delete(ApprovalStep))
    db.session.flush()
    db.session.add_all([ApprovalStep(position=n, key=s["key"], name=s["name"], by=s["by"])
                        for n, s in enumerate(steps)])
    db.session.flush()
    return approval_chain()
