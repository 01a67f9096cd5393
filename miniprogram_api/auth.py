"""Bearer token → current user, and the Blueprint that documents and enforces auth."""
from functools import wraps

import flask_smorest
from flask import g, request
from webargs.flaskparser import FlaskParser

from backend.errors import Unauthenticated
from backend.identity import tokens
from backend.identity.models import AuthToken, User

BEARER = [{"bearerAuth": []}]


def load_user() -> None:
    """before_request: resolve the token if one is sent. Public routes ignore a bad one."""
    g.user, g.token = None, None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        found = tokens.resolve(header[7:].strip())
        if found:
            g.user, g.token = found


def current_user() -> User:
    user = g.get("user")
    if user is None:
        raise Unauthenticated()
    return user


def current_token() -> AuthToken:
    current_user()
    return g.token


def optional_user() -> User | None:
    return g.get("user")


class StrictParser(FlaskParser):
    """Unknown query parameters are errors too (API.md), as in bodies: the schema's RAISE applies."""
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest Blueprint whose `login_required` also documents the bearer scheme."""

    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema, *args, **kwargs):
        # One schema instance per route, not per request: given a class, webargs instantiates it on
        # every request (deep-copying its fields), a tenth of a cheap listing's time (bench/).
        # Loading keeps no state on the instance, so sharing it between requests and threads is safe.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def login_required(self, func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            current_user()
            return func(*args, **kwargs)
        return self.doc(security=BEARER)(wrapper)
