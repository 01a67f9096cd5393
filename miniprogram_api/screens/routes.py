"""The screens' pages. Each calls the use case the API route behind it calls (`board.screen`,
`board.pickup_numbers`), so a screen opens exactly when the API would answer its polls."""
import logging

from flask import Blueprint, current_app, g, render_template
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from backend.cafe import board
from backend.errors import DomainError, Forbidden, NotFound
from backend.extensions import db
from backend.identity import web_sessions

from ..auth import CSRF_HEADER
from ..errors import http_error
from . import BLUEPRINT_NAME

log = logging.getLogger(__name__)

bp = Blueprint(BLUEPRINT_NAME, __name__, template_folder="templates", static_folder="static",
               static_url_path="/screens/static")

# Every asset is the app's own: no inline script, nothing from elsewhere. The QR code is a data: image.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

# The canned messages (backend/cafe/board.py MESSAGES), as the buttons name them.
MESSAGES = (("please_wait", "请稍候"), ("ready", "请取餐"), ("sold_out_item", "商品售罄"),
            ("come_to_counter", "请到柜台"))

NOT_STAFF = "这个微信账号不是本店店员，请用本店店员的微信扫码登录。"
NOT_HERE = "没有找到这家咖啡店，或您不是这家店的店员：请用本店店员的微信扫码登录。"


@bp.after_request
def harden(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"  # pages carry the session's CSRF token
    return response


def sign_in(status: int, screen: str, message: str | None = None):
    """The sign-in screen, in place of the page asked for: a QR code to scan with the mini-program.
    Once signed in, the page reloads itself and is the screen asked for."""
    return render_template("screens/sign_in.html", screen=screen, message=message,
                           development=current_app.config["APP_ENV"] == "development",
                           ticket_seconds=current_app.config["WEB_SESSION_TICKET_SECONDS"]), status


def _session_user():
    """The user of the screen's session; pages are opened by screens only (never a bearer token)."""
    return g.user if g.get("web_session") is not None else None


def _page(screen: str, render):
    user = _session_user()
    if user is None:
        return sign_in(401, screen)
    try:
        return render(user)
    except Forbidden:
        return sign_in(403, screen, NOT_STAFF)
    except NotFound:
        return sign_in(404, screen, NOT_HERE)


def _common() -> dict:
    return {"csrf_token": web_sessions.csrf_token(g.web_session), "csrf_header": CSRF_HEADER,
            "poll_ms": current_app.config["SCREEN_POLL_MS"]}


@bp.get("/board/cafes/<int:site_id>")
def order_board(site_id):
    def render(user):
        cafe = board.screen(user, site_id)
        return render_template("screens/board.html", cafe=cafe, messages=MESSAGES,
                               amber_minutes=current_app.config["SCREEN_WAIT_AMBER_MINUTES"],
                               red_minutes=current_app.config["SCREEN_WAIT_RED_MINUTES"], **_common())
    return _page("订单屏", render)


@bp.get("/board/cafes/<int:site_id>/ready")
def ready_screen(site_id):
    def render(user):
        cafe = board.screen(user, site_id)
        numbers = board.pickup_numbers(user, site_id)
        return render_template("screens/ready.html", cafe=cafe, numbers=numbers, **_common())
    return _page("取餐叫号屏", render)


@bp.get("/board/scan/<ticket>")
def scanned_elsewhere(ticket):
    """The sign-in QR code opened by a scanner other than WeChat's (a phone's camera app)."""
    return render_template("screens/scan.html")


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    db.session.rollback()
    return unavailable(error.status if error.status >= 500 else 503)


@bp.errorhandler(DBAPIError)
def database_error(error: DBAPIError):
    db.session.rollback()
    log.error("screen page: database unavailable: %s", type(error.orig).__name__)
    return unavailable(503)


@bp.errorhandler(Exception)
def unexpected_error(error: Exception):
    if isinstance(error, HTTPException):  # 405 and the like: the app's usual envelope
        return http_error(error)
    db.session.rollback()
    log.exception("screen page: unhandled error")
    return unavailable(500)


def unavailable(status: int):
    """The page could not be built now (the database away, a bug): a page that retries by itself."""
    return render_template("screens/unavailable.html"), status
