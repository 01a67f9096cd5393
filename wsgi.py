"""gunicorn 'wsgi:app' and `flask --app wsgi ...`."""
from miniprogram_api import create_app

app = create_app()
