"""Assistive devices (辅具精准适配): the catalogue (ISO 9999 classes, makers, products), the
federation's settings (subsidy groups, the approval chain, assessment forms), and each person's
case through its closed loop: application, assessment, the person's choice with its subsidy,
approvals, supply; fitting with a signed handover, training, follow-ups, repairs.

Public: the models, and the signed handover (`create_handover`, `check_handover`, `handover_text`,
`handover_view`) that loans reuse. Listens to rehab's `appointment_completed`.
"""
from ..domains import Domain, Privacy
from . import demo, handlers, jobs, makers, privacy
from .handovers import Handover, check_handover, create_handover, handover_text, handover_view
from .case_models import Approval, Assessment, CaseEvent, DeviceCase, SupplyOrder
from .fitting_models import Delivery, FollowUp, Repair, TrainingSession
from .cli import devices_cli
from .models import ApprovalStep, AssessmentForm, DeviceClass, Maker, MakerStaff, Product, SubsidyGroup
from .notices import KINDS

domain = Domain(
    name="devices",
    models=(DeviceClass, Maker, MakerStaff, Product, SubsidyGroup, ApprovalStep, AssessmentForm,
            DeviceCase, CaseEvent, Assessment, Approval, SupplyOrder, Handover, Delivery, TrainingSession, FollowUp,
            Repair),
    jobs=jobs.JOBS,
    privacy=Privacy(export={"device_cases": privacy.export_cases, "maker_roles": privacy.export_maker_roles,
                            "device_handovers": privacy.export_handovers},
                    erase=privacy.erase,
                    covers=(DeviceCase, MakerStaff, Handover, Delivery, TrainingSession, FollowUp, Repair)),
    demo=demo.seed,
    notifications=KINDS,
    listens={"appointment_completed": handlers.appointment_completed},
    cli=(devices_cli,),
    profile=makers.profile,
)

__all__ = ["Approval", "ApprovalStep", "Assessment", "AssessmentForm", "CaseEvent", "Delivery", "DeviceCase",
           "DeviceClass", "FollowUp", "Handover", "Repair", "TrainingSession", "Maker", "MakerStaff", "Product", "SubsidyGroup", "SupplyOrder", "check_handover", "create_handover", "domain",
           "handover_text", "handover_view"]
