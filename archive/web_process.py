"""What a web process does once before its first request, so that no reader waits for it.

gunicorn runs this in its master (``preload_app``, through ``archive.wsgi``); the workers it
forks share the result. Left to the first request, it cost a new worker's first page about
0.4 s: importing every view, the API and the search with the URLs, building the table
``reverse()`` reads, and compiling each template with the tag libraries it loads.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver


def prepare() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # imports every view
    resolver.reverse_dict  # built on the first reverse() otherwise
    compile_templates()


def compile_templates() -> None:
    """Compile the project's templates into the template loader's cache."""
    engine = engines["django"]
    for folder in (Path(d) for options in settings.TEMPLATES for d in options.get("DIRS", ())):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
                engine.get_template(path.relative_to(folder).as_posix())
