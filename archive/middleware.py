"""Structured access logs: one JSON line per request, for the production server."""

from __future__ import annotations

import json
import logging
import time

access_log = logging.getLogger("archive.access")


class JsonLogFormatter(logging.Formatter):
    """A log record as one JSON object: the message's fields, a timestamp and the level."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class AccessLogMiddleware:
    """Log method, path, status, duration and size of every response (when enabled)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not access_log.isEnabledFor(logging.INFO):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        fields = {
            "method": request.method,
            "path": request.path,
            "query": request.META.get("QUERY_STRING", "")[:500],
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "bytes": len(response.content) if not response.streaming else None,
            "client": request.META.get("REMOTE_ADDR", ""),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        }
        access_log.info("request", extra={"fields": fields})
        return response
