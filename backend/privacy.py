"""PIPL access and deletion across domains (`GET /me/export`, `DELETE /me`).

Each domain registers an exporter (its records about a user and the residents
they manage) and an eraser (cancel what is live, anonymise what stays). Identity
calls them all inside its own transaction.
"""
from collections.abc import Callable

# name -> fn(user, resident_ids) -> JSON-serialisable records
EXPORTERS: dict[str, Callable] = {}
# fn(user, resident_ids) -> None; runs inside the deletion transaction
ERASERS: list[Callable] = []


def exporter(name: str):
    def register(fn):
        EXPORTERS[name] = fn
        return fn
    return register


def eraser(fn):
    ERASERS.append(fn)
    return fn
