"""Domain events: how one domain tells the others what happened, without importing their internals.

A domain declares the events it sends (`Domain.emits`) and the handlers it wants called
(`Domain.listens`); `backend.domains.connect_events` wires them when the app is created, and refuses
a handler for an event nobody declares. Events are blinker signals (Flask already ships blinker).

`emit()` is called inside the sender's transaction, and handlers run synchronously in it: what a
handler writes commits or rolls back with the change that caused it (a handler that must not
fail the sender's use case catches its own errors). Payloads are plain values (ids, codes,
instants), never ORM objects of the sender: the receiver reads what it needs through its own
models or the sender's public module.
"""
from blinker import Namespace

_signals = Namespace()
# name -> the domain that declared it (filled by backend.domains when the app is built).
DECLARED: dict[str, str] = {}


def signal(name: str):
    return _signals.signal(name)


def emit(name: str, **payload) -> None:
    """Announce `name` with keyword payload to every connected handler (in this transaction)."""
    if name not in DECLARED:
        raise ValueError(f"event {name!r} is not declared by any domain")
    _signals.signal(name).send(name, **payload)
