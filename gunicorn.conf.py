"""gunicorn's configuration: every gunicorn this repository starts, and production (README).

gunicorn reads ./gunicorn.conf.py from its working directory (scripts/run.sh, bench/run.sh and
tests/servers.py also name it with --config). Command-line flags win over this file, so
`--workers` (WEB_CONCURRENCY, BENCH_WORKERS) and `--bind` stay with the scripts. Every value below
can be overridden from the environment; the measurements behind them are in bench/README.md
"Slow clients".
"""
import multiprocessing
import os

from serving.worker import BufferedThreadWorker


def _number(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


wsgi_app = "wsgi:app"

# Threads, not one process per request: a request waiting on WeChat (≤ 5 s per call) or a lock
# (lock_timeout 3 s) holds a thread, not a whole worker, and slow clients hold neither (the worker
# buffers requests in its selector before a thread sees them: serving/worker.py).
worker_class = "serving.worker.BufferedThreadWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
# Each thread holds at most one connection of each SQLAlchemy pool (the session's and the read
# path's, 5 + 10 overflow each), so 8 fits the pools; PostgreSQL sees at most
# workers x threads x 2 connections (64 on 2 cores, under the default max_connections of 100).
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# Open connections per worker, the slow ones being buffered included; past it the worker stops
# accepting and connections wait in the listen backlog.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", 1000))

# Request read bounds (gunicorn 27.0.1 has none of its own; see serving/worker.py).
BufferedThreadWorker.client_header_timeout = _number("CLIENT_HEADER_TIMEOUT", 10)
BufferedThreadWorker.client_body_timeout = _number("CLIENT_BODY_TIMEOUT", 10)
BufferedThreadWorker.client_body_deadline = _number("CLIENT_BODY_DEADLINE", 30)
# Writing one response: a client that stops reading frees its thread after this long.
BufferedThreadWorker.client_send_timeout = _number("CLIENT_SEND_TIMEOUT", 60)

# Idle seconds before a kept-alive connection is closed. Behind nginx, its upstream
# `keepalive_timeout` must be shorter than this, so nginx never reuses a connection we are closing.
keepalive = int(_number("GUNICORN_KEEPALIVE", 5))

# A worker is restarted after this many requests (plus up to the jitter, so they do not all
# restart at once): a soak saw a worker's RSS grow 7 MB in 5 minutes.
max_requests = int(_number("GUNICORN_MAX_REQUESTS", 10000))
max_requests_jitter = int(_number("GUNICORN_MAX_REQUESTS_JITTER", 1000))

# With threads the master's timeout watches the worker's main loop, which never waits on a request:
# it only kills a wedged worker. Requests are bounded by what they call: WeChat ≤ 5 s a call
# (a token fetch and one retry at most: 4 calls), lock_timeout 3 s and statement_timeout on
# PostgreSQL, and the read bounds above.
timeout = int(_number("GUNICORN_TIMEOUT", 30))
# On SIGTERM or a max_requests restart, requests in flight get this long to finish: more than the
# longest bounded request above (about 20 s of WeChat calls in the worst case).
graceful_timeout = int(_number("GUNICORN_GRACEFUL_TIMEOUT", 30))

# Access lines carry the path only (%(U)s), never the query string: staff look residents up by
# certificate number and admins users by phone, and those must not reach a log. (gunicorn's own
# default format has the full request line.) Logging is off unless --access-logfile is given.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss'
