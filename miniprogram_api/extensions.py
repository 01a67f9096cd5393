"""The HTTP layer's unbound extensions: the OpenAPI document (flask-smorest) and rate limits."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api


class DocumentedApi(Api):
    def _register_pagination_header(self):
        """flask-smorest's pagination headers are not used: lists are paginated in the body (API.md),
        and its unused PaginationMetadata schema would only clutter the document."""


api = DocumentedApi()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
