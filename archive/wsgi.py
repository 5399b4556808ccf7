"""WSGI entry point for serving the archive."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
application = get_wsgi_application()

# Django imports the URLs, and with them every view, the API and the search, at the first
# request. gunicorn imports this module once in its master (preload_app): importing them here
# spares each worker's first request 0.3-0.4 s and lets the workers share the modules' memory.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns
