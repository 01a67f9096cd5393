"""Identity routes: login, me, residents, volunteers (API.md "Identity")."""
from backend.identity import residents, services, volunteers

from ..auth import current_token, current_user
from ..blueprint import Blueprint
from ..idempotency import idempotent
from ..ratelimits import login_per_code, login_per_ip
from . import schemas as s

blp = Blueprint("identity", __name__, url_prefix="/api/v1",
                description="身份：微信登录、账号、居民与家属、志愿者申请、工作人员与管理员的账号管理")


@blp.post("/auth/login")
@login_per_ip
@login_per_code
@blp.arguments(s.LoginIn)
@blp.response(200, s.LoginOut)
def login(args):
    """微信登录（wx.login 的 code 换令牌）"""
    return services.login(args["code"])


@blp.post("/auth/logout")
@blp.login_required
@blp.response(204)
def logout():
    """退出登录（吊销当前令牌）"""
    services.logout(current_token())


@blp.get("/me")
@blp.login_required
@blp.response(200, s.MeOut)
def get_me():
    """当前用户"""
    return services.me(current_user())


@blp.patch("/me")
@blp.login_required
@blp.arguments(s.MePatch)
@blp.response(200, s.MeOut)
def patch_me(args):
    """修改昵称、头像、偏好"""
    return services.update_me(current_user(), args)


@blp.delete("/me")
@blp.login_required
@blp.response(204)
def delete_me():
    """注销账号"""
    services.delete_me(current_user())


@blp.post("/me/phone")
@blp.login_required
@blp.arguments(s.PhoneIn)
@blp.response(200, s.MeOut)
def bind_phone(args):
    """绑定手机号（微信手机号 code）"""
    return services.bind_phone(current_user(), args["code"])


@blp.get("/me/export")
@blp.login_required
@blp.response(200, s.ExportOut)
def export_me():
    """导出我的个人信息"""
    return services.export_me(current_user())


@blp.get("/me/residents")
@blp.login_required
@blp.response(200, s.ResidentList)
def my_residents():
    """我可以代为办理的居民"""
    return {"items": residents.my_residents(current_user())}


@blp.post("/me/residents")
@blp.login_required
@idempotent
@blp.arguments(s.ResidentIn)
@blp.response(201, s.ResidentOut)
def register_resident(args):
    """登记居民（本人或家属）"""
    return residents.register_for_user(current_user(), args)


@blp.delete("/me/residents/<int:resident_id>")
@blp.login_required
@blp.response(204)
def unlink_resident(resident_id):
    """解除与居民的关联"""
    residents.unlink(current_user(), resident_id)


@blp.get("/residents/<int:resident_id>")
@blp.login_required
@blp.response(200, s.ResidentOut)
def get_resident(resident_id):
    """居民资料"""
    return residents.read_resident(current_user(), resident_id)


@blp.patch("/residents/<int:resident_id>")
@blp.login_required
@blp.arguments(s.ResidentPatch)
@blp.response(200, s.ResidentOut)
def patch_resident(args, resident_id):
    """修改居民资料"""
    return residents.update_resident(current_user(), resident_id, args)


@blp.post("/me/volunteer")
@blp.login_required
@blp.arguments(s.VolunteerIn)
@blp.response(200, s.MeOut)
def apply_volunteer(args):
    """申请成为志愿者"""
    return volunteers.apply(current_user(), args["real_name"], args["skills"], args["intro"])


@blp.get("/staff/volunteers")
@blp.login_required
@blp.arguments(s.VolunteerArgs, location="query")
@blp.response(200, s.VolunteerPage)
def staff_volunteers(args):
    """志愿者申请列表"""
    return volunteers.list_applications(current_user(), args.get("status"), args["page"], args["page_size"])


@blp.post("/staff/volunteers/<int:user_id>/review")
@blp.login_required
@blp.arguments(s.ReviewIn)
@blp.response(200, s.VolunteerOut)
def review_volunteer(args, user_id):
    """审核志愿者申请"""
    return volunteers.review(current_user(), user_id, args["status"], args["note"])


@blp.get("/staff/residents")
@blp.login_required
@blp.arguments(s.StaffResidentArgs, location="query")
@blp.response(200, s.ResidentPage)
def staff_residents(args):
    """本站点知道的居民（或按残疾人证号查找）"""
    return residents.staff_residents(current_user(), **args)


@blp.post("/staff/residents")
@blp.login_required
@idempotent
@blp.arguments(s.WalkInIn)
@blp.response(201, s.ResidentOut)
def staff_register_resident(args):
    """为没有手机的居民登记（代办）"""
    return residents.register_walk_in(current_user(), args)


@blp.post("/staff/residents/<int:resident_id>/verification")
@blp.login_required
@blp.arguments(s.VerificationIn)
@blp.response(200, s.ResidentOut)
def verify_resident(args, resident_id):
    """核验残疾人证"""
    return residents.verify(current_user(), resident_id, args["status"], args["note"], args.get("site_id"))

