"""Armed faults of the fake: `POST /_fake/faults {api, mode, errcode?, times}`.

The next `times` calls of `api` fail with `mode` (`error` or `timeout`). Handlers
call `consume(api)` first and act on what it returns. `timeout` sleeps 10 s, longer than
any client waits: for `subscribe_send` the message is recorded first and the answer comes
late (WeChat delivered it, its answer was lost); for the other APIs the call is answered
normally after the sleep.
"""
import threading

APIS = {
    "jscode2session", "getuserphonenumber", "stable_token", "subscribe_send",
    "msg_sec_check", "pay_jsapi", "pay_query", "pay_close", "pay_refund",
}

_lock = threading.Lock()
_armed: dict[str, dict] = {}


def arm(api: str, mode: str, times: int = 1, errcode: int | None = None) -> None:
    with _lock:
        _armed[api] = {"mode": mode, "times": times, "errcode": errcode}


def consume(api: str) -> dict | None:
    """Return the fault to apply to this call of `api` ({mode, errcode}), or None."""
    with _lock:
        fault = _armed.get(api)
        if not fault or fault["times"] <= 0:
            return None
        fault["times"] -= 1
        if fault["times"] == 0:
            del _armed[api]
        return {"mode": fault["mode"], "errcode": fault["errcode"]}


def reset() -> None:
    with _lock:
        _armed.clear()
