"""Assessment forms as versioned data: the product ships one per domain (migration 0007), admins
publish new versions; an assessment keeps the version it was recorded with."""
from sqlalchemy import func, select

from ..db import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..identity import User, require_admin, require_staff
from ..units import use_case
from .answers import validate_form_definition
from .forms_catalogue import DOMAINS
from .models import AssessmentForm


def form_view(f: AssessmentForm) -> dict:
    return {"id": f.id, "domain": f.domain, "version": f.version, "title": f.title, "questions": f.questions}


def current_forms(staff: User, domain: str | None) -> dict:
    """The latest version of each domain's form (or of the one asked for)."""
    require_staff(staff)
    latest = (select(AssessmentForm.domain, func.max(AssessmentForm.version).label("version"))
              .group_by(AssessmentForm.domain).subquery())
    stmt = (select(AssessmentForm).join(latest, (latest.c.domain == AssessmentForm.domain)
                                        & (latest.c.version == AssessmentForm.version))
            .order_by(AssessmentForm.domain))
    if domain:
        stmt = stmt.where(AssessmentForm.domain == domain)
    return {"items": [form_view(f) for f in db.session.scalars(stmt)]}


def get_form(form_id: int) -> AssessmentForm:
    form = db.session.get(AssessmentForm, form_id)
    if form is None:
        raise Invalid(fields={"form_id": ["没有这个评估表"]})
    return form


@use_case
def publish(admin: User, data: dict) -> dict:
    """A new version of a domain's form (the next number); earlier versions stay as they were."""
    require_admin(admin)
    if data["domain"] not in DOMAINS:
        raise NotFound()
    problems = validate_form_definition({"domain": data["domain"], "title": data["title"],
                                         "questions": data["questions"]})
    if problems:
        raise Invalid(fields=problems)
    last = db.session.scalar(select(func.max(AssessmentForm.version)).where(
        AssessmentForm.domain == data["domain"])) or 0
    form = AssessmentForm(domain=data["domain"], version=last + 1, title=data["title"], questions=data["questions"],
                          published_at=utcnow(), published_by_id=admin.id)
    db.session.add(form)
    db.session.flush()
    return form_view(form)
