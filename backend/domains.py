"""What a domain brings to the app, declared in one place (its package's `domain`).

`create_app` reads one list of domain names (`backend.DOMAINS`), imports each package and reads
its `Domain`: models for the metadata, worker jobs, the personal data it holds (exporter, eraser
and the models they cover), its demo seed, its notification kinds with their subscribe-message
field maps, the events it sends and the handlers it wants called, and its CLI commands. Nothing
registers itself by the side effect of an import; forgetting to declare something is caught by
tests (every table belongs to a domain, every model with a `user_id` or `resident_id` column is
covered by an exporter and an eraser).

The HTTP layer mirrors the list: `miniprogram_api.<name>` declares `blueprints`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from . import events


@dataclass(frozen=True)
class NotificationKind:
    """A notification kind (API.md's stable names) and its default subscribe-message template: the
    title and the map from template field (`thing1`: WeChat's value type + a number) to the key of
    the `data` the domain passes to `notify()`. `$title` / `$body` take the notification's own text."""
    title: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Privacy:
    """The domain's part of `GET /me/export` (named sections) and `DELETE /me` (one eraser), and the
    models whose personal data they cover. Both take (user, ids of the residents the user manages).
    The eraser runs inside the deletion's transaction."""
    export: dict[str, Callable[..., Any]]
    erase: Callable[..., None]
    covers: tuple[type, ...]


@dataclass(frozen=True)
class Domain:
    name: str
    models: tuple[type, ...] = ()
    jobs: dict[str, Callable[[], int]] = field(default_factory=dict)
    privacy: Privacy | None = None
    # demo(ctx): adds its demo data through the domain's own use cases; `ctx` is a dict shared along
    # the list of domains (sites, users, residents seeded by earlier ones).
    demo: Callable[[dict], None] | None = None
    notifications: dict[str, NotificationKind] = field(default_factory=dict)
    emits: tuple[str, ...] = ()
    listens: dict[str, Callable[..., None]] = field(default_factory=dict)
    cli: tuple[Any, ...] = ()
    # profile(user) -> {"roles": [...], "fields": {...}}: what the domain adds to `Me` (a role it
    # grants, such as `maker`, and the fields that go with it). Identity shows it without importing it.
    profile: Callable[[Any], dict] | None = None


def load(names: Iterable[str]) -> list[Domain]:
    """The `Domain` of each package `backend.<name>`, in the given order."""
    out = []
    for name in names:
        domain = importlib.import_module(f"backend.{name}").domain
        if domain.name != name:
            raise RuntimeError(f"backend.{name} declares a domain named {domain.name!r}")
        out.append(domain)
    return out


def install(app: Flask, domains: list[Domain]) -> None:
    """Keep the domains on the app, check their declarations agree, and wire their events."""
    kinds: dict[str, NotificationKind] = {}
    for d in domains:
        for kind, spec in d.notifications.items():
            if kind in kinds:
                raise RuntimeError(f"notification kind {kind!r} declared twice")
            kinds[kind] = spec
        for name in d.emits:
            owner = events.DECLARED.setdefault(name, d.name)
            if owner != d.name:
                raise RuntimeError(f"event {name!r} declared by {owner} and {d.name}")
    for d in domains:
        for name, handler in d.listens.items():
            if name not in events.DECLARED:
                raise RuntimeError(f"{d.name} listens to {name!r}, which no domain emits")
            # Strong references: handlers are module functions, connected once per process
            # (connecting the same function again is a no-op in blinker).
            events.signal(name).connect(handler, weak=False)
    app.extensions["domains"] = domains
    app.extensions["notification_kinds"] = kinds


def registered() -> list[Domain]:
    return current_app.extensions["domains"]


def notification_kinds() -> dict[str, NotificationKind]:
    return notification_kinds_of(current_app)


def notification_kinds_of(app: Flask) -> dict[str, NotificationKind]:
    """kind -> its default template, in the order the domains declare them."""
    return app.extensions["notification_kinds"]


def profiles(user) -> tuple[list[str], dict]:
    """The roles and `Me` fields every domain adds for this user."""
    roles, fields = [], {}
    for d in registered():
        if d.profile is not None:
            part = d.profile(user)
            roles += part.get("roles", [])
            fields.update(part.get("fields", {}))
    return roles, fields


def jobs() -> dict[str, Callable[[], int]]:
    return {name: fn for d in registered() for name, fn in d.jobs.items()}
