"""Device cases in GET /me/export and DELETE /me.

Export: the cases of the residents the user manages, with their assessments (health data the
person has a right to), choices, approvals and history. Erase: live cases of residents nobody else
manages are withdrawn; the free text (the need, opinions, findings and answers) is cleared; the
cases stay, anonymous, for the federation's statistics (what was assessed, supplied, delivered).
Maker staff assignments of the user are removed. Part 2: signed handovers lose the signature and
the signer's name (handovers.erase); the notes of deliveries, training sessions, follow-ups and
repairs are cleared; what was delivered, when, and the follow-ups' answers stay for statistics.
"""
from sqlalchemy import delete, select, update

from ..crypto import encrypt
from ..extensions import db
from ..identity import Resident, ResidentLink
from . import handovers
from .case_models import WITHDRAWABLE, Assessment, CaseEvent, DeviceCase
from .fitting_models import Delivery, FollowUp, Repair, TrainingSession
from .models import MakerStaff
from .transitions import locked_case, move
from .views import case_view



def export_cases(user, resident_ids: list[int]) -> list[dict]:
    if not resident_ids:
        return []
    cases = db.session.scalars(select(DeviceCase).where(DeviceCase.resident_id.in_(resident_ids))
                               .order_by(DeviceCase.id)).all()
    return [_json_safe(case_view(c)) for c in cases]


def export_handovers(user, resident_ids: list[int]) -> list[dict]:
    return handovers.export(resident_ids)


def export_maker_roles(user, resident_ids: list[int]) -> list[dict]:
    return [{"maker_id": m} for m in db.session.scalars(select(MakerStaff.maker_id).where(
        MakerStaff.user_id == user.id).order_by(MakerStaff.maker_id))]


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def erase(user, resident_ids: list[int]) -> None:
    db.session.execute(delete(MakerStaff).where(MakerStaff.user_id == user.id))
    if not resident_ids:
        return
    others = set(db.session.scalars(select(ResidentLink.resident_id).where(
        ResidentLink.resident_id.in_(resident_ids), ResidentLink.user_id != user.id)))
    # Residents a site registered stay in its care (identity keeps them too): their cases stay whole.
    registered = set(db.session.scalars(select(Resident.id).where(Resident.id.in_(resident_ids),
                                                                  Resident.registered_site_id.is_not(None))))
    only_mine = [rid for rid in resident_ids if rid not in others and rid not in registered]
    if not only_mine:
        return
    handovers.erase(only_mine)  # the signatures and signers' names
    ids = list(db.session.scalars(select(DeviceCase.id).where(DeviceCase.resident_id.in_(only_mine))
                                  .order_by(DeviceCase.id)))
    for case_id in ids:
        case = locked_case(case_id)
        if case.status in WITHDRAWABLE and not case.by_staff:
            move(case, "withdrawn", user.id, "withdrawn", "账号注销")
    if ids:
        blank = encrypt("null")
        db.session.execute(update(DeviceCase).where(DeviceCase.id.in_(ids))
                           .values(need="", confirm_opinion="", returned_reason=""))
        db.session.execute(update(Assessment).where(Assessment.case_id.in_(ids))
                           .values(answers_enc=blank, measurements_enc=blank, findings_enc=blank))
        db.session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(ids)).values(note=""))
        # Part 2's notes: what staff wrote at the fitting, training and follow-ups, repair texts.
        db.session.execute(update(Delivery).where(Delivery.case_id.in_(ids)).values(notes=""))
        db.session.execute(update(TrainingSession).where(TrainingSession.case_id.in_(ids))
                           .values(content="", outcome=""))
        db.session.execute(update(FollowUp).where(FollowUp.case_id.in_(ids)).values(note="", not_used_reason=""))
        db.session.execute(update(Repair).where(Repair.case_id.in_(ids)).values(problem="", note=""))
