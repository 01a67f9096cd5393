"""Is a buffered HTTP/1.x request complete enough to give to a thread? (see serving/worker.py)

Only a decision about *when* to hand bytes on: gunicorn's own parser still parses and validates
everything. Anything unusual (chunked, Expect, a bad or oversized Content-Length) is handed on at
once, where the thread reads the rest under a socket timeout and the parser rejects what is wrong.
"""
from enum import Enum

# gunicorn's parser wants CRLF; a bare-LF head is handed on too, so the parser answers it (400)
# instead of it waiting here for a timeout.
HEAD_ENDS = (b"\r\n\r\n", b"\n\n")


class State(Enum):
    HEAD = "reading the head"
    BODY = "reading the body"
    READY = "complete, or to be read by the thread"


def head_end(buf: bytes | bytearray) -> int | None:
    """Offset just past the blank line ending the head, or None while it has not arrived."""
    ends = [(i, len(marker)) for marker in HEAD_ENDS if (i := buf.find(marker)) >= 0]
    if not ends:
        return None
    i, n = min(ends)
    return i + n


def state(buf: bytes | bytearray, max_body: int) -> State:
    end = head_end(buf)
    if end is None:
        return State.HEAD
    lengths = set()
    for line in bytes(buf[:end]).split(b"\n")[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        name = name.strip().lower()
        if name in (b"transfer-encoding", b"expect"):
            # A chunked body has no length to wait for; a client sending Expect waits for us.
            return State.READY
        if name == b"content-length":
            lengths.add(value.strip())
    if not lengths:
        return State.READY
    if len(lengths) > 1 or not next(iter(lengths)).isdigit():
        return State.READY  # the parser answers 400
    length = int(next(iter(lengths)))
    if length > max_body:
        return State.READY  # the app answers 413 without reading it
    return State.READY if len(buf) - end >= length else State.BODY
