"""PIPL access and deletion across domains (`GET /me/export`, `DELETE /me`).

Each domain declares its part (`Domain.privacy`): named export sections (its records about a user
and the residents they manage) and one eraser (cancel what is live, anonymise what stays), with
the models they cover. These run them all, inside the caller's transaction.
"""
from . import domains


def export(user, resident_ids: list[int]) -> dict:
    """Every domain's sections, in the order of the domains."""
    out: dict = {}
    for d in domains.registered():
        if d.privacy is not None:
            for name, fn in d.privacy.export.items():
                out[name] = fn(user, resident_ids)
    return out


def erase(user, resident_ids: list[int]) -> None:
    """Every domain's eraser, the last domain first: the ones that book things cancel them (and
    promote waitlists) while the accounts and residents they refer to still exist; identity
    erases the account itself at the end."""
    for d in reversed(domains.registered()):
        if d.privacy is not None:
            d.privacy.erase(user, resident_ids)
