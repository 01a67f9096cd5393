"""A use case is a unit: one transaction that commits when it returns and rolls back when it raises.

Services never commit or roll back themselves. A use case is a function decorated with `@use_case`
(most of them), or, where one call must span several transactions around a network call (prepay,
refund, the worker's jobs), each step is a `with transaction():` block. A use case called from
inside another joins it (one transaction for the outer call).

Locks: `lock()` is the one way to lock rows. It refuses to run outside a unit, so a lock is always
released by the unit's commit or rollback, never held by a forgotten session.

How long a lock may be waited for is bounded by the database, not by hope:
- PostgreSQL: every connection of the app runs with `lock_timeout = DB_LOCK_TIMEOUT_MS` (3 s), and
  inside a web request with `statement_timeout = DB_STATEMENT_TIMEOUT_MS` (10 s, under gunicorn's
  worker timeout), set when the connection is checked out (`configure_engine`), so no statement
  pays a round trip for it.
- SQLite (the local default) has no row locks: a unit takes the database's write lock when it
  begins (`BEGIN IMMEDIATE`), so writers queue for up to `DB_LOCK_TIMEOUT_MS` (the busy timeout)
  instead of failing when a read transaction tries to upgrade; rows are then locked by implication.
  That is also why `lock()` needs nothing more on SQLite. Outside units, statements autocommit one
  by one (reads only: every write is in a unit).
A wait past the bound is `Busy` (503 `busy` with `Retry-After`): the unit rolled back, nothing
was written, and the client may simply try again.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from flask import Flask, has_request_context
from sqlalchemy import Engine, Select, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import ORMExecuteState, Session

from .errors import DomainError
from .extensions import db

_depth: ContextVar[int] = ContextVar("use_case_depth", default=0)

# The execution option that makes a SQLite connection begin its transaction with the write lock.
_IMMEDIATE = "sqlite_begin_immediate"
# PostgreSQL SQLSTATEs of a wait that hit its bound: lock_not_available, query_canceled.
_TIMEOUT_SQLSTATES = {"55P03", "57014"}


class Busy(DomainError):
    """A lock or statement waited past its bound; nothing was written. Retry shortly."""
    status, code, message = 503, "busy", "系统繁忙，请稍后重试"
    retry_after = 1


def in_unit() -> bool:
    return _depth.get() > 0


def is_timeout(error: BaseException) -> bool:
    """True for a lock or statement timeout (PostgreSQL) or SQLite's busy timeout."""
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _TIMEOUT_SQLSTATES:
        return True
    return "database is locked" in str(error.orig)


@contextmanager
def transaction() -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back if it raises. Nested blocks join
    the outer one. Lock and statement timeouts leave as `Busy`."""
    if in_unit():
        yield
        return
    session = db.session()  # the request's (or job's) Session behind the scoped proxy
    token = _depth.set(1)
    try:
        if session.get_bind().dialect.name == "sqlite":
            # Reads made before the unit (the bearer token's lookup) ran outside any transaction;
            # end the session's, and begin the unit's with the write lock (see _configure_sqlite).
            if session.in_transaction():
                session.commit()
            session.connection(execution_options={_IMMEDIATE: True})
        yield
        session.commit()
    except DBAPIError as error:
        session.rollback()
        if is_timeout(error):
            raise Busy() from error
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        _depth.reset(token)


def use_case(fn):
    """Run `fn` as one unit (see the module docstring)."""
    @wraps(fn)
    def run(*args, **kwargs):
        with transaction():
            return fn(*args, **kwargs)
    return run


def lock(stmt: Select, *, key_share: bool = False, skip_locked: bool = False) -> Select:
    """`stmt` (a SELECT of ORM entities or columns) as a row-locking select with fresh attributes.

    `key_share=True` takes FOR NO KEY UPDATE: enough to exclude other writers of the row, without
    blocking inserts that reference it by foreign key (see rehab's site lock). Execute the result
    in the same unit: the rows stay locked until it ends.
    """
    if not in_unit():
        raise RuntimeError("lock() outside a use case: the lock would outlive its transaction")
    return stmt.with_for_update(key_share=key_share, skip_locked=skip_locked).execution_options(
        populate_existing=True)


def try_lock_key(key: int) -> bool:
    """Take a lock on an application-defined 64-bit `key` until the unit ends, without waiting: False
    if another transaction holds it. PostgreSQL: `pg_try_advisory_xact_lock` (released by commit,
    rollback, or the end of a dead client's connection). SQLite: the unit already holds the
    database's write lock, so no other writer can hold the key: always True."""
    if not in_unit():
        raise RuntimeError("try_lock_key() outside a use case: the lock would outlive its transaction")
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}).scalar())


class WriteOutsideUseCase(RuntimeError):
    """A request wrote outside a unit: a programming error (it would commit half of a change)."""


def _guard_flush(session: Session, _context, _instances) -> None:
    if has_request_context() and not in_unit() and (session.new or session.dirty or session.deleted):
        raise WriteOutsideUseCase("a request flushed changes outside a use case (backend/units.py)")


def _guard_execute(state: ORMExecuteState) -> None:
    if has_request_context() and not in_unit() and (state.is_insert or state.is_update or state.is_delete):
        raise WriteOutsideUseCase("a request executed a write outside a use case (backend/units.py)")


def guard_writes() -> None:
    """Every write made while serving a request happens in a unit: checked on each flush and each
    ORM-executed INSERT/UPDATE/DELETE (create_app installs it; idempotent)."""
    if not event.contains(Session, "before_flush", _guard_flush):
        event.listen(Session, "before_flush", _guard_flush)
        event.listen(Session, "do_orm_execute", _guard_execute)


def configure_engine(app: Flask, engine: Engine) -> None:
    """Bound every wait on the app's main engine (see the module docstring)."""
    lock_ms = int(app.config["DB_LOCK_TIMEOUT_MS"])
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, lock_ms)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(app, engine, lock_ms)


def _configure_postgresql(app: Flask, engine: Engine, lock_ms: int) -> None:
    @event.listens_for(engine, "checkout")
    def _timeouts(dbapi_conn, record, _proxy):
        # Web requests get a statement timeout; the worker and the CLI (migrations) do not. Set only
        # when it changes for this connection, so steady traffic pays nothing.
        statement_ms = int(app.config["DB_STATEMENT_TIMEOUT_MS"]) if has_request_context() else 0
        wanted = (lock_ms, statement_ms)
        if record.info.get("timeouts") != wanted:
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET lock_timeout = {lock_ms}; SET statement_timeout = {statement_ms}")
            dbapi_conn.commit()
            record.info["timeouts"] = wanted


def _configure_sqlite(engine: Engine, lock_ms: int) -> None:
    """pysqlite's own transaction handling begins transactions late and never as IMMEDIATE; SQLAlchemy's
    documented recipe takes it over, so units can begin with the write lock (and SAVEPOINTs work)."""

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {lock_ms}")
        if engine.url.database and engine.url.database != ":memory:":
            # The run command's gunicorn workers and `flask worker` share the file: readers go on
            # during a write.
            cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A unit's connection (marked by `transaction()`) takes the write lock at once. Outside a unit
        # (reads: listings, a token's lookup) statements run as they did under pysqlite, each on its
        # own, seeing the latest commit: a read transaction would pin a WAL snapshot for as long as
        # the session lives.
        if conn.get_execution_options().get(_IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
