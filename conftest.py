"""Puts the repository root on sys.path, so a bare `pytest` imports `backend` and `devtools`."""
