"""gunicorn 'wsgi:app' and `flask --app wsgi ...`."""
from backend import create_app

app = create_app()
