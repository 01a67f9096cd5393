"""Screens for devices at the counter (docs/SCREENS.md): HTML pages served by the app, not API
operations. Server-rendered templates and a little plain JavaScript (`static/`, no build step, no
CDN); the pages call the same API routes the mini-program's staff pages call, authenticated by the
screen's session cookie (signed in by scanning: `/api/v1/web-sessions`) plus a CSRF token on writes.

- `GET /board/cafes/{site_id}`        the café's order board (deaf baristas: visual only, no sound)
- `GET /board/cafes/{site_id}/ready`  the customer-facing "ready" screen (pickup numbers only)
- `GET /board/scan/{ticket}`          where the sign-in QR code leads a scanner that is not WeChat's
- `GET /console/...`                  the staff console (`console.py`: today, schedules, device cases)

A screen without a valid session, or signed in as someone who may not open it, shows the sign-in
screen (a QR code to scan) in place, never an error page.
"""
from flask import Flask

BLUEPRINT_NAME = "screens"


def register_screens(app: Flask) -> None:
    from . import console  # noqa: F401 - the console's pages, on the same blueprint
    from .routes import bp
    app.register_blueprint(bp)
