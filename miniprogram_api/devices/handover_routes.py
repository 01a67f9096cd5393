"""A signed handover, shown again to the person's people and the centre's staff."""
from backend.devices import handovers

from ..auth import current_user
from . import handover_schemas as hs
from .routes import blp


@blp.get("/device-handovers/<int:handover_id>")
@blp.login_required
@blp.response(200, hs.HandoverOut)
def get_device_handover(handover_id):
    """辅具交接签收单（签名、交接文本及其版本）

    The resident's linked users; staff of the site and admins (each such read is audited)."""
    return handovers.read(current_user(), handover_id)
