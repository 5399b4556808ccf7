"""Full addresses of the archive's pages, for canonical links, the API and citations."""

from django.conf import settings


def absolute_url(request, path):
    """``path`` as a full address: on ARCHIVE_BASE_URL when set, else on the request's host."""
    if settings.ARCHIVE_BASE_URL:
        return settings.ARCHIVE_BASE_URL + path
    if request is None:
        return path
    return request.build_absolute_uri(path)
