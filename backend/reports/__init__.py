"""Reports (统计报表) for the federation, and volunteer service certificates.

Reports read every other domain's tables with SQL aggregates, through a registry of metrics
(metrics.py: one small definition each), in the caller's scope; they write nothing. Certificates
are this domain's one table.
"""
from ..domains import Domain, Privacy
from . import privacy
from .models import Certificate

domain = Domain(
    name="reports",
    models=(Certificate,),
    privacy=Privacy(export={"volunteer_certificates": privacy.export_certificates},
                    erase=privacy.erase_certificates, covers=(Certificate,)),
)

__all__ = ["Certificate", "domain"]
