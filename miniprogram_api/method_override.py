"""`wx.request` cannot send PATCH (its methods are OPTIONS, GET, HEAD, POST, PUT, DELETE, TRACE,
CONNECT), and the contract edits with PATCH: the mini-program sends POST with
`X-HTTP-Method-Override: PATCH`, and this turns it back into the PATCH the routes expect. Only to
PATCH, and only from POST: nothing else can be smuggled past a proxy's method rules."""


class PatchOverride:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and \
                environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").upper() == "PATCH":
            environ["REQUEST_METHOD"] = "PATCH"
        return self.app(environ, start_response)
