"""Swagger UI's assets for /api/v1/docs, vendored from npm `swagger-ui-dist` and served by the app.

flask-smorest renders the docs page and links its CSS and scripts under `OPENAPI_SWAGGER_UI_URL`;
when that is a path on this app (not a URL elsewhere), this serves the files behind it from
`static/swagger-ui/` (see the README there for the version and how to refresh it), so the docs
work with no network. A plain Flask static route: documentation, not an API operation.
"""
from pathlib import Path

from flask import Blueprint, Flask

ASSETS = Path(__file__).resolve().parent / "static" / "swagger-ui"

# Starts with "api-docs" like flask-smorest's own docs blueprint: the endpoints are documentation
# (the OpenAPI document describes the API's operations, not the pages that display it).
BLUEPRINT_NAME = "api-docs-swagger-ui"


def register_swagger_ui(app: Flask) -> None:
    url = app.config.get("OPENAPI_SWAGGER_UI_URL") or ""
    if not url.startswith("/") or url.startswith("//"):
        return  # a URL on another host: nothing of ours to serve
    app.register_blueprint(Blueprint(BLUEPRINT_NAME, __name__, static_folder=str(ASSETS),
                                     static_url_path=url.rstrip("/")))
