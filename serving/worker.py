"""gunicorn's gthread worker, with whole requests read before a thread is given one.

Why: stock gthread (27.0.1) hands a connection to a thread as soon as its first byte arrives,
and the thread then reads the rest of the head and the body with blocking reads and no timeout.
A client sending one header line every few seconds holds a thread for as long as it likes; a
hundred of them held every thread of four workers, and no health check or listing was answered
(bench/README.md "Slow clients"). gunicorn 27.0.1 has no header or body read timeout to set.

Here the worker's main loop (one selector, no threads) reads each connection's bytes without
blocking until the request head and, when it has a Content-Length of at most `max_buffered_body`,
the whole body are in. Only then does a thread get the connection, with the bytes put back in
front of gunicorn's parser, which parses as usual. A slow client costs a file descriptor and a
buffer, never a thread, and is bounded in time:

- `client_header_timeout`: the whole request head must arrive within this many seconds of the
  connection's first readiness (like nginx's directive of that name);
- `client_body_timeout`: the longest pause between two reads of a body (nginx's semantics), and
  `client_body_deadline` the whole body. On either, the client gets a JSON 408
  (`request_timeout`, the app's envelope) and the connection is closed.

Bodies the loop does not buffer (chunked, larger, `Expect: 100-continue`) are read by the app in
its thread under the same bounds (serving/bounded_input.py). A thread's socket also has a timeout
for writing the response, `client_send_timeout`: a client that stops reading it frees the thread.
(Python bounds a whole `sendall` by it, not the pause between two writes as nginx's send_timeout
does, so it is generous: a large answer to a slow phone must still get through.)

Plain HTTP/1.1 only (TLS ends at nginx, as README "Production deployment" says); the worker
refuses to start with certfile/keyfile or HTTP/2 configured.
"""
import errno
import selectors
import socket
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

from . import head
from .bounded_input import bound_request_bodies

REFUSALS = {
    408: (b"408 Request Timeout",
          '{"error": {"code": "request_timeout", "message": "请求超时，请重试"}}'),
    431: (b"431 Request Header Fields Too Large",
          '{"error": {"code": "headers_too_large", "message": "请求头过大"}}'),
}


def refusal(status: int) -> bytes:
    """A complete HTTP response in the app's error envelope, written by the worker itself."""
    reason, body = REFUSALS[status]
    payload = body.encode("utf-8")
    return (b"HTTP/1.1 " + reason + b"\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Content-Length: " + str(len(payload)).encode() + b"\r\nConnection: close\r\n\r\n" + payload)


class BufferedConn(TConn):
    """A connection, with what the main loop has read of its next request."""

    send_timeout: float | None = None  # set from the worker's config

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.buf = bytearray()
        self.complete = False
        self.deadline = 0.0        # the head's, then the body's pause deadline
        self.body_deadline = 0.0   # the whole body's

    def init(self):
        super().init()
        # handle() has just made the socket blocking without a timeout. Writing the response waits at
        # most this long; reads of an unbuffered body set their own, shorter bound (BoundedInput).
        self.sock.settimeout(self.send_timeout)


class BufferedThreadWorker(ThreadWorker):
    client_header_timeout = 10.0
    client_body_timeout = 10.0
    client_body_deadline = 30.0
    client_send_timeout = 60.0
    max_buffered_body = 128 * 1024   # twice the app's MAX_CONTENT_LENGTH: every valid JSON body
    max_head = 64 * 1024             # more is refused with 431 (nginx: large_client_header_buffers)

    @classmethod
    def check_config(cls, cfg, log):
        super().check_config(cfg, log)
        if cfg.is_ssl or "h2" in cfg.http_protocols:
            raise RuntimeError("BufferedThreadWorker serves plain HTTP/1.1 only (TLS and HTTP/2 end at nginx)")

    def init_process(self):
        self.buffering: dict[BufferedConn, None] = {}  # insertion-ordered set
        BufferedConn.send_timeout = self.client_send_timeout
        super().init_process()

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = bound_request_bodies(self.wsgi, self.client_body_timeout, self.client_body_deadline)

    # -- connections in -----------------------------------------------------------------------

    def accept(self, listener):
        """As ThreadWorker.accept, with our connection class, and buffering instead of a thread."""
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = BufferedConn(self.cfg, client_sock, client_addr, listener.getsockname())
        self.enqueue_req(conn)

    def enqueue_req(self, conn):
        """Every path to a thread comes here (new, kept-alive and pipelined connections alike):
        only a connection whose request is in goes on; any other is buffered first."""
        if conn.complete:
            conn.complete = False
            conn.data_ready = True  # the thread must not wait for data: it is all here
            super().enqueue_req(conn)
            return
        conn.sock.setblocking(False)
        if conn.parser is not None:
            # A kept-alive connection: what the parser read ahead is the next request's start.
            conn.buf[:0] = conn.parser.unreader.take_buffered()
        conn.deadline = time.monotonic() + self.client_header_timeout
        if not self._advance(conn):
            self.buffering[conn] = None
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _on_readable(self, conn, _sock):
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before its request was complete
            self._forget(conn)
            conn.close()
            return
        conn.buf += data
        self._advance(conn)

    def _advance(self, conn) -> bool:
        """Hand the connection on if its request is in (or refused); True if it left the loop."""
        now = time.monotonic()
        state = head.state(conn.buf, self.max_buffered_body)
        if state is head.State.READY:
            self._forget(conn, count=False)  # off the selector before a thread may touch the socket
            conn.complete = True
            self.enqueue_req(conn)
            return True
        if state is head.State.HEAD and len(conn.buf) > self.max_head:
            self._refuse(conn, 431)
            return True
        if state is head.State.BODY:
            if not conn.body_deadline:
                conn.body_deadline = now + self.client_body_deadline
            conn.deadline = min(now + self.client_body_timeout, conn.body_deadline)
        return False

    def handle(self, conn):
        """In the thread: the buffered bytes go back in front of the parser, then as ThreadWorker."""
        if conn.buf:
            conn.init()  # creates the HTTP/1 parser on a new connection
            conn.parser.unreader.unread(bytes(conn.buf))
            conn.buf.clear()
        conn.body_deadline = 0.0
        return super().handle(conn)

    # -- deadlines ----------------------------------------------------------------------------

    def murder_pending(self):
        """Called by the main loop at least once a second: also expire slow buffered requests."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self.buffering if c.deadline <= now]:
            self._refuse(conn, 408)

    def _refuse(self, conn, status: int) -> None:
        self._forget(conn, count=False)
        try:
            conn.sock.send(refusal(status))  # small: fits the socket buffer; best effort
        except OSError:
            pass
        self.nr_conns -= 1
        try:
            conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()

    def _forget(self, conn, count: bool = True) -> None:
        if conn in self.buffering:
            del self.buffering[conn]
            try:
                self.poller.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass
        if count:
            self.nr_conns -= 1
