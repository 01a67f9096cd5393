"""Domains declare themselves (backend/domains.py): nothing they hold may be left out of the app by
a forgotten registration."""
from types import SimpleNamespace

import pytest

import backend
from backend import domains, events
from backend.db import Base


def mapped_models() -> list[type]:
    return [m.class_ for m in Base.registry.mappers]


def test_every_table_belongs_to_exactly_one_domain(app):
    declared = [model for d in domains.load(backend.DOMAINS) for model in d.models]
    assert len(declared) == len(set(declared))
    assert {m.__tablename__ for m in declared} == set(Base.metadata.tables)
    assert set(declared) == set(mapped_models())


def holds_personal_data(model: type) -> bool:
    return any(c.name in ("user_id", "resident_id") for c in model.__table__.columns)


def uncovered(models: list[type], loaded: list) -> list[str]:
    covered = {m for d in loaded if d.privacy is not None for m in d.privacy.covers}
    return sorted(m.__name__ for m in models if holds_personal_data(m) and m not in covered)


def test_every_model_with_a_user_or_resident_is_exported_and_erased(app):
    """A model with a `user_id` or `resident_id` column must be covered by a domain that exports
    and erases it: otherwise GET /me/export would silently miss it, DELETE /me would leave it."""
    loaded = domains.load(backend.DOMAINS)
    for d in loaded:
        if d.privacy is not None:
            assert d.privacy.export and callable(d.privacy.erase), d.name
    assert uncovered(mapped_models(), loaded) == []
    covered = {m.__name__ for d in loaded if d.privacy for m in d.privacy.covers}
    assert {"User", "Resident"} <= covered  # persons themselves too


def test_the_coverage_check_catches_a_model_nobody_covers():
    columns = [SimpleNamespace(name="id"), SimpleNamespace(name="user_id")]
    stray = type("Stray", (), {"__table__": SimpleNamespace(columns=columns)})
    assert uncovered([stray], domains.load(backend.DOMAINS)) == ["Stray"]


def test_every_job_kind_and_event_is_declared_once(app):
    loaded = domains.load(backend.DOMAINS)
    jobs = [name for d in loaded for name in d.jobs]
    assert len(jobs) == len(set(jobs))
    with app.app_context():
        assert set(domains.jobs()) == set(jobs)
    kinds = [k for d in loaded for k in d.notifications]
    assert len(kinds) == len(set(kinds)) and set(kinds) == set(domains.notification_kinds_of(app))
    for d in loaded:
        for name in d.listens:
            assert name in events.DECLARED


def test_emitting_an_undeclared_event_is_an_error():
    with pytest.raises(ValueError):
        events.emit("no_such_event", x=1)


def test_an_event_reaches_its_handler_inside_the_senders_transaction(app, login, db_session):
    """identity announces a volunteer review; the notifications domain writes the inbox item in the
    same transaction (no import between them)."""
    from backend.extensions import db
    from backend.identity.models import User, VolunteerProfile
    from backend.notifications.models import Notification

    from .factories import SiteFactory, staff_of
    staff, applicant = login(), login()
    staff_of(db.session.get(User, staff.user_id), SiteFactory())
    assert applicant.post("/me/volunteer", {"real_name": "李四", "skills": ["guide"]}).status_code == 200
    assert staff.post(f"/staff/volunteers/{applicant.user_id}/review", {"status": "approved"}).status_code == 200
    db.session.remove()
    [n] = db.session.query(Notification).filter_by(user_id=applicant.user_id).all()
    assert n.kind == "volunteer_reviewed" and db.session.get(VolunteerProfile, applicant.user_id).status == "approved"
