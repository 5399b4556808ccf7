"""Values every page template needs: the archive's name and which section is open."""

from django.conf import settings


def archive(request):
    """Add ``archive_name`` and ``nav_section`` (first path segment, e.g. "transcripts")."""
    segment = request.path.strip("/").split("/", 1)[0]
    return {
        "archive_name": settings.ARCHIVE_NAME,
        "nav_section": segment or "home",
    }
