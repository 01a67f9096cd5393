"""Checks run.sh makes before it starts anything, and what its banner shows.

    python scripts/_run_checks.py mask URL          the URL with its password hidden (for the banner)
    python scripts/_run_checks.py port NAME PORT OTHER   exit 0 when 127.0.0.1:PORT is free, else say who
                                                         holds it and suggest free ports (OTHER: the other one)
    python scripts/_run_checks.py cafe BASE         one line on whether the demo café takes orders now

Plain standard library: it runs before anything else is started.
"""
import json
import socket
import sys
import urllib.request
from urllib.parse import urlsplit, urlunsplit


def mask(url: str) -> str:
    """`postgresql://user:secret@host/db` → `postgresql://user:***@host/db`; anything else unchanged."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def our_backend(port: int) -> bool:
    """Whether what listens there is this backend (its /readyz answers as ours does)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
            return "checks" in json.loads(r.read() or b"{}")
    except Exception:  # noqa: BLE001 - anything else listening there is "not ours"
        return False


def free_ports(after: int, count: int = 2) -> list[int]:
    """The first `count` free ports above `after` (a suggestion: they may be taken by the time they are used)."""
    found, port = [], after
    while len(found) < count and port < 65535:
        port += 1
        if port_free(port):
            found.append(port)
    return found


def check_port(name: str, port: int, other: int) -> int:
    """Exit status 0 when 127.0.0.1:`port` is free; else say what holds it and which ports are free."""
    if port_free(port):
        return 0
    web, fake = free_ports(max(port, other))
    if name == "PORT" and our_backend(port):
        print(f"The backend is already running on http://127.0.0.1:{port} (another scripts/run.sh?).\n"
              f"Use that one, stop it (Ctrl-C in its terminal), or start a second one on other ports:\n"
              f"  PORT={web} FAKE_PORT={fake} scripts/run.sh", file=sys.stderr)
    else:
        print(f"Port {port} ({name}) on 127.0.0.1 is in use by another program: nothing was started.\n"
              f"Free it, or choose other ports, e.g.  PORT={web} FAKE_PORT={fake} scripts/run.sh", file=sys.stderr)
    return 1


def cafe_line(base: str) -> str:
    try:
        with urllib.request.urlopen(f"{base}/api/v1/sites?kind=cafe", timeout=5) as r:
            cafe = json.loads(r.read())["items"][0]
    except Exception:  # noqa: BLE001 - the banner says what it can
        return "The demo café: not found (no café site)."
    if cafe.get("open_now", True):
        return f"The demo café ({cafe['name']}, site {cafe['id']}) is open now: orders can be placed."
    return (f"The demo café ({cafe['name']}, site {cafe['id']}) is closed now: orders answer 409 cafe_closed "
            f"until it opens at {cafe.get('next_opens_at')} (its opening_hours).")


def main(argv: list[str]) -> int:
    if argv[:1] == ["mask"] and len(argv) == 2:
        print(mask(argv[1]))
        return 0
    if argv[:1] == ["port"] and len(argv) == 4:
        return check_port(argv[1], int(argv[2]), int(argv[3]))
    if argv[:1] == ["cafe"] and len(argv) == 2:
        print(cafe_line(argv[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
