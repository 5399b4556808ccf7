"""/healthz: whether this web process can answer — for load balancers and monitoring."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    """200 with what was checked when the database and the search index answer, else 503.

    ``pending`` counts transcripts stored but not yet written to the index (normally 0; more
    for a moment during an ingest, and until the next ingest or start after a crash).
    """
    checks, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure is the answer here
        checks["database"] = f"error: {error.__class__.__name__}"
        healthy = False
    try:
        from archive.search.engine import get_engine
        from archive.search.indexing import pending_count

        checks["search_index"] = f"ok, {get_engine().document_count():,} documents"
        if checks["database"] == "ok":
            checks["pending"] = pending_count()
    except Exception as error:  # noqa: BLE001
        checks["search_index"] = f"error: {error.__class__.__name__}"
        healthy = False
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
