"""How the web tier is served: gunicorn's worker class and the request-read bounds (gunicorn.conf.py).

Nothing here knows the app; the app knows nothing of this (it runs the same under the test client).
"""
