"""Identity: WeChat accounts and tokens, residents and who may act for them, staff assignments,
volunteer profiles, and the access checks every domain uses.

Other domains import from here only (never from the submodules): the models, the access checks,
`mark_known` and `linked_user_ids`. Screens sign in by scanning (`web_sessions`): a session acts as
the user who confirmed it.
"""
from ..domains import Domain, Privacy
from . import demo, privacy, web_sessions
from .access import (acting_for, is_linked, linked_resident, require_admin, require_staff, resident_for_actor,
                     resident_known_to, staff_roles, staff_site_ids)
from .models import (COMMUNICATION, DISABILITY_CATEGORIES, NEEDS, RELATIONS, STAFF_ROLES, VOLUNTEER_SKILLS,
                     AuthToken, Resident, ResidentLink, ResidentSite, StaffAssignment, User, VolunteerProfile,
                     WebSession)
from .residents import linked_user_ids, mark_known
from .tokens import revoke_all as revoke_tokens
from .volunteers import add_minutes

domain = Domain(
    name="identity",
    models=(User, AuthToken, Resident, ResidentLink, ResidentSite, StaffAssignment, VolunteerProfile, WebSession),
    jobs={"purge_web_sessions": web_sessions.purge},
    privacy=Privacy(
        export={"user": privacy.export_user, "residents": privacy.export_residents,
                "volunteer": privacy.export_volunteer, "web_sessions": privacy.export_web_sessions},
        erase=privacy.erase,
        covers=(User, AuthToken, Resident, ResidentLink, ResidentSite, StaffAssignment, VolunteerProfile,
                WebSession)),
    demo=demo.seed,
    emits=("volunteer_reviewed",),
)

__all__ = ["COMMUNICATION", "DISABILITY_CATEGORIES", "NEEDS", "RELATIONS", "STAFF_ROLES", "VOLUNTEER_SKILLS",
           "AuthToken", "Resident", "ResidentLink", "ResidentSite", "StaffAssignment", "User", "VolunteerProfile",
           "WebSession",
           "acting_for", "add_minutes", "domain", "is_linked", "linked_resident", "linked_user_ids", "mark_known",
           "require_admin", "require_staff", "resident_for_actor", "resident_known_to", "revoke_tokens",
           "staff_roles", "staff_site_ids"]
