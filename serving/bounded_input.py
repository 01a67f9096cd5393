"""`wsgi.input` with a bound on how long reading the request body may take, inside a thread.

Most bodies never get here unread: the worker buffers them before a thread sees the request
(serving/worker.py). Chunked bodies, bodies larger than that buffer and `Expect: 100-continue`
uploads are read by the app from the socket, and there a stalled client would hold the thread.
Each read waits at most `gap` seconds for bytes and the whole body at most `total` seconds; past
that the read raises werkzeug's RequestTimeout, which the app answers as its JSON envelope (408),
never as gunicorn's HTML error page.
"""
import socket
import time

from werkzeug.exceptions import RequestTimeout


class BoundedInput:
    def __init__(self, stream, sock, gap: float, total: float):
        self._stream, self._sock, self._gap = stream, sock, gap
        self._deadline = time.monotonic() + total

    def _bounded(self, read, *args):
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise RequestTimeout()
        previous = self._sock.gettimeout() if self._sock is not None else None
        try:
            if self._sock is not None:
                self._sock.settimeout(min(self._gap, remaining))
            return read(*args)
        except (socket.timeout, TimeoutError):
            raise RequestTimeout() from None
        finally:
            if self._sock is not None:
                # Writing the response keeps the connection's own timeout, not what is left here.
                self._sock.settimeout(previous)

    def read(self, *args):
        return self._bounded(self._stream.read, *args)

    def readline(self, *args):
        return self._bounded(self._stream.readline, *args)

    def readlines(self, *args):
        return self._bounded(self._stream.readlines, *args)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def bound_request_bodies(app, gap: float, total: float):
    """WSGI middleware: every request's `wsgi.input` becomes a BoundedInput."""
    def bounded(environ, start_response):
        environ["wsgi.input"] = BoundedInput(environ["wsgi.input"], environ.get("gunicorn.socket"), gap, total)
        return app(environ, start_response)
    return bounded
