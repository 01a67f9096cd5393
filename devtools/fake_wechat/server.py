"""Run the fake in a background thread (tests, the demo launcher)."""
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from .app import create_fake_app


@contextmanager
def running_fake(keys_dir: str | None = None, host: str = "127.0.0.1", port: int = 0):
    """Yield the base URL (e.g. http://127.0.0.1:54321) of a fake serving in a thread."""
    server = make_server(host, port, create_fake_app(keys_dir), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
