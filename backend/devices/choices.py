"""The person (or, for a walk-in, staff) confirms one of the recommended products; the quote is
fixed then, and the case enters the approval chain as it stands that day."""
from ..db import utcnow
from ..errors import Invalid
from ..extensions import db
from ..identity import User
from ..units import use_case
from .access import applicant_case
from .approvals import open_supply_order
from .models import Product
from .settings import approval_chain
from .transitions import locked_case, move, require_status
from .views import case_view, current_assessment, quote_for


@use_case
def confirm(user: User, case_id: int, product_id: int, opinion: str) -> dict:
    applicant_case(user, case_id)
    case = locked_case(case_id)
    require_status(case, "assessed")
    assessment = current_assessment(case)
    recommended = {pid for r in (assessment.recommendations or []) for pid in r.get("product_ids", [])} \
        if assessment else set()
    product = db.session.get(Product, product_id)
    if product is None or product_id not in recommended or not product.active:
        raise Invalid(fields={"product_id": ["只能选择评估推荐的产品"]})
    quote = quote_for(case, product)
    case.product_id, case.price_fen = product.id, quote.price_fen
    case.subsidy_fen, case.self_pay_fen, case.ratio_percent = quote.subsidy_fen, quote.self_pay_fen, quote.ratio_percent
    case.confirm_opinion, case.confirmed_at = opinion or "", utcnow()
    # The chain as it is today: a later change of it applies to cases that have not entered it yet.
    case.approval_chain = approval_chain()["steps"]
    case.approval_round += 1
    if case.approval_chain:
        move(case, "approval", user.id, "confirmed", opinion)
    else:  # a region without approval steps: straight to the maker
        open_supply_order(case)
        move(case, "supplying", user.id, "confirmed", opinion)
    return case_view(case)
