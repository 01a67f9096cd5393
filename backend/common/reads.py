"""Hot public reads outside any transaction.

A request's session ends with a ROLLBACK, and psycopg forgets its prepared statements on every
rollback, so under the session every statement is planned anew on every request: for the public
listings' statements planning cost PostgreSQL more than running them (bench/README.md). On a
connection in autocommit mode there is no transaction to roll back: psycopg prepares a statement
on its fifth run and the connection reuses the plan from then on.

Only for reads that need no transaction: one statement is the whole answer, or the statements
need not share a snapshot. Nothing is locked and nothing can be written by mistake.
"""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Executable, Row

from ..extensions import db

_autocommit: dict[Engine, Engine] = {}  # per app's engine: the same pool, autocommit on checkout


@contextmanager
def autocommit_connection() -> Iterator[Connection]:
    engine = db.engine
    if engine not in _autocommit:
        _autocommit[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    with _autocommit[engine].connect() as conn:
        yield conn


def read_rows(statement: Executable, params: dict) -> list[Row]:
    with autocommit_connection() as conn:
        return conn.execute(statement, params).all()
