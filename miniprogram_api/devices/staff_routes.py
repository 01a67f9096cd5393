"""Assistive devices for the service centres' staff: filing for walk-ins, the worklist, accepting,
returning, assessing, approving."""
from backend.devices import approvals, assessments, cases, forms

from ..auth import BEARER_OR_SCREEN, current_user
from ..idempotency import idempotent
from . import schemas as s
from .routes import blp


@blp.post("/staff/device-cases")
@blp.login_required
@idempotent
@blp.arguments(s.CaseIn)
@blp.response(201, s.CaseOut)
def file_device_case(args):
    """为居民代办辅具申请"""
    return cases.file_for_walk_in(current_user(), args)


@blp.get("/staff/device-cases")
@blp.login_required
@blp.arguments(s.WorklistArgs, location="query")
@blp.response(200, s.CasePage)
def device_worklist(args):
    """辅具申请工作清单（waiting_on=me：等我处理的）"""
    return cases.worklist(current_user(), site_id=args.get("site_id"), status=args.get("status"),
                          waiting_on_me=args.get("waiting_on") == "me", page=args["page"],
                          page_size=args["page_size"])


@blp.post("/staff/device-cases/<int:case_id>/accept")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.NoteIn)
@blp.response(200, s.CaseOut)
def accept_device_case(args, case_id):
    """受理申请"""
    return cases.accept(current_user(), case_id, args["note"])


@blp.post("/staff/device-cases/<int:case_id>/return")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.ReasonIn)
@blp.response(200, s.CaseOut)
def return_device_case(args, case_id):
    """退回申请（说明原因）"""
    return cases.return_case(current_user(), case_id, args["reason"])


@blp.get("/staff/device-assessment-forms")
@blp.login_required
@blp.arguments(s.FormArgs, location="query")
@blp.response(200, s.FormList)
def assessment_forms(args):
    """评估表（各领域的现行版本）"""
    return forms.current_forms(current_user(), args.get("domain"))


@blp.post("/staff/device-cases/<int:case_id>/assessments")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@idempotent
@blp.arguments(s.AssessmentIn)
@blp.response(201, s.CaseOut)
def record_assessment(args, case_id):
    """记录评估结果"""
    return assessments.record(current_user(), case_id, args)


@blp.post("/staff/device-cases/<int:case_id>/assessments/<int:assessment_id>/void")
@blp.login_required
@blp.arguments(s.ReasonIn)
@blp.response(200, s.CaseOut)
def void_assessment(args, case_id, assessment_id):
    """作废一次评估（重新评估）"""
    return assessments.void(current_user(), case_id, assessment_id, args["reason"])


@blp.post("/staff/device-cases/<int:case_id>/approvals")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.ApprovalIn)
@blp.response(200, s.CaseOut)
def decide_approval(args, case_id):
    """审批当前步骤（通过、退回、不通过）"""
    return approvals.decide(current_user(), case_id, args["step"], args["result"], args["opinion"])
