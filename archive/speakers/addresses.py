"""Old speaker addresses inside query strings: a search, an API query or a feed filtered by
a speaker merged or retired since (``?speaker=mr-kirby``) answers 301 to the same request
for the kept speaker, so saved searches and subscribed alerts keep working."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect

from archive.models import Speaker, SpeakerRedirect


def moved_speaker_redirect(request, slug: str | None = None) -> HttpResponsePermanentRedirect | None:
    """A permanent redirect for a request naming a speaker by an old slug, else None.

    ``slug`` is a slug from the path (a speaker's feed); without it, the ``speaker``
    parameter of the query string is checked.
    """
    old = slug if slug is not None else request.GET.get("speaker", "")
    if not old or Speaker.objects.filter(slug=old).exists():
        return None
    moved = SpeakerRedirect.objects.select_related("speaker").filter(old_slug=old).first()
    if moved is None:
        return None
    if slug is not None:
        path = request.path.replace(f"/{old}/", f"/{moved.speaker.slug}/", 1)
        query = request.GET.urlencode()
    else:
        path = request.path
        params = request.GET.copy()
        params["speaker"] = moved.speaker.slug
        query = params.urlencode()
    return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)
