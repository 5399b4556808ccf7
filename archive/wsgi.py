"""WSGI entry point for serving the archive."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
application = get_wsgi_application()

# gunicorn imports this module once in its master (preload_app): what is prepared here is
# shared by every worker instead of being paid by each worker's first request.
from archive.web_process import prepare  # noqa: E402

prepare()
