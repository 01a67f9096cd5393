"""Identity routes: login, me, residents, volunteers (API.md "Identity")."""
from backend.identity import residents, services, volunteers

from ..auth import Blueprint, current_token, current_user
from ..idempotency import idempotent
from ..ratelimits import login_per_code, login_per_ip
from . import schemas as s

blp = Blueprint("identity", __name__, url_prefix="/api/v1", description="WeChat login, the account, residents")


def me_view(user) -> dict:
    roles, staff_sites = services.roles_of(user)
    v = user.volunteer
    return {"id": user.id, "nickname": user.nickname, "avatar_url": user.avatar_url,
            "phone_masked": user.phone_masked, "roles": roles, "staff_sites": staff_sites,
            "preferences": user.preferences or {},
            "volunteer": {"status": v.status, "skills": v.skills, "minutes_total": v.minutes_total} if v else None}


@blp.post("/auth/login")
@login_per_ip
@login_per_code
@blp.arguments(s.LoginIn)
@blp.response(200, s.LoginOut)
def login(args):
    token, row, user = services.login(args["code"])
    return {"token": token, "expires_at": row.expires_at, "user": me_view(user)}


@blp.post("/auth/logout")
@blp.login_required
@blp.response(204)
def logout():
    services.logout(current_token())


@blp.get("/me")
@blp.login_required
@blp.response(200, s.MeOut)
def get_me():
    return me_view(current_user())


@blp.patch("/me")
@blp.login_required
@blp.arguments(s.MePatch)
@blp.response(200, s.MeOut)
def patch_me(args):
    return me_view(services.update_me(current_user(), args))


@blp.delete("/me")
@blp.login_required
@blp.response(204)
def delete_me():
    services.delete_me(current_user())


@blp.post("/me/phone")
@blp.login_required
@blp.arguments(s.PhoneIn)
@blp.response(200, s.MeOut)
def bind_phone(args):
    return me_view(services.bind_phone(current_user(), args["code"]))


@blp.get("/me/export")
@blp.login_required
@blp.response(200, s.ExportOut)
def export_me():
    return services.export_me(current_user())


@blp.get("/me/residents")
@blp.login_required
@blp.response(200, s.ResidentList)
def my_residents():
    return {"items": residents.my_residents(current_user())}


@blp.post("/me/residents")
@blp.login_required
@idempotent
@blp.arguments(s.ResidentIn)
@blp.response(201, s.ResidentOut)
def register_resident(args):
    return residents.register_for_user(current_user(), args)


@blp.delete("/me/residents/<int:resident_id>")
@blp.login_required
@blp.response(204)
def unlink_resident(resident_id):
    residents.unlink(current_user(), resident_id)


@blp.get("/residents/<int:resident_id>")
@blp.login_required
@blp.response(200, s.ResidentOut)
def get_resident(resident_id):
    return residents.read_resident(current_user(), resident_id)


@blp.patch("/residents/<int:resident_id>")
@blp.login_required
@blp.arguments(s.ResidentPatch)
@blp.response(200, s.ResidentOut)
def patch_resident(args, resident_id):
    return residents.update_resident(current_user(), resident_id, args)


@blp.post("/me/volunteer")
@blp.login_required
@blp.arguments(s.VolunteerIn)
@blp.response(200, s.MeOut)
def apply_volunteer(args):
    user = current_user()
    volunteers.apply(user, args["real_name"], args["skills"], args["intro"])
    return me_view(user)


def volunteer_view(p) -> dict:
    return {"user_id": p.user_id, "real_name": p.real_name, "skills": p.skills, "intro": p.intro,
            "status": p.status, "review_note": p.review_note, "reviewed_at": p.reviewed_at,
            "minutes_total": p.minutes_total, "created_at": p.created_at}


@blp.get("/staff/volunteers")
@blp.login_required
@blp.arguments(s.VolunteerArgs, location="query")
@blp.response(200, s.VolunteerPage)
def staff_volunteers(args):
    page = volunteers.list_applications(current_user(), args.get("status"), args["page"], args["page_size"])
    page["items"] = [volunteer_view(p) for p in page["items"]]
    return page


@blp.post("/staff/volunteers/<int:user_id>/review")
@blp.login_required
@blp.arguments(s.ReviewIn)
@blp.response(200, s.VolunteerOut)
def review_volunteer(args, user_id):
    return volunteer_view(volunteers.review(current_user(), user_id, args["status"], args["note"]))


@blp.get("/staff/residents")
@blp.login_required
@blp.arguments(s.StaffResidentArgs, location="query")
@blp.response(200, s.ResidentPage)
def staff_residents(args):
    return residents.staff_residents(current_user(), **args)


@blp.post("/staff/residents")
@blp.login_required
@idempotent
@blp.arguments(s.WalkInIn)
@blp.response(201, s.ResidentOut)
def staff_register_resident(args):
    return residents.register_walk_in(current_user(), args)


@blp.post("/staff/residents/<int:resident_id>/verification")
@blp.login_required
@blp.arguments(s.VerificationIn)
@blp.response(200, s.ResidentOut)
def verify_resident(args, resident_id):
    return residents.verify(current_user(), resident_id, args["status"], args["note"], args.get("site_id"))

