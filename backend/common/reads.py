"""Hot public reads outside any transaction, on an engine of their own.

A request's session ends with a ROLLBACK, and psycopg forgets its prepared statements on every
rollback, so under the session every statement is planned anew on every request: for the public
listings' statements planning cost PostgreSQL more than running them (bench/README.md). These
reads run on connections in autocommit mode from a separate pool that no session ever uses, so
no rollback reaches them: psycopg prepares a statement on its fifth run and the connection keeps
reusing it, whatever else the request does (a logged-in listing also reads the session).

Only for reads that need no transaction: one statement is the whole answer, or the statements
need not share a snapshot. Nothing is locked and nothing can be written by mistake.
"""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, Executable, Row, create_engine

from ..extensions import db


def create_read_engine(app: Flask) -> None:
    """The read engine: the app's database URL and engine options, in autocommit mode. Called in an
    app context by create_app (before gunicorn forks: the pool opens connections only when used)."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    app.extensions["read_engine"] = create_engine(db.engine.url, isolation_level="AUTOCOMMIT", **options)


def read_engine() -> Engine:
    return current_app.extensions["read_engine"]


@contextmanager
def autocommit_connection() -> Iterator[Connection]:
    with read_engine().connect() as conn:
        yield conn


def read_rows(statement: Executable, params: dict) -> list[Row]:
    with autocommit_connection() as conn:
        return conn.execute(statement, params).all()


def prebuilt(builder: Callable) -> Callable:
    """The one idiom for the hot reads' statements: `@prebuilt def _listing(flags...): return select(...)`
    builds each statement once per process (per combination of arguments, which must be hashable
    flags, never values: values are bound parameters), so SQLAlchemy's compiled cache and psycopg's
    prepared statements see the very same statement every time."""
    return cache(builder)
