"""A real HTTP server on 127.0.0.1 for the harvest tests, serving what each test puts on it.

Each address answers with its page (honouring If-None-Match and If-Modified-Since with a
304), or a redirect, or a run of failures before the page; every request is recorded so a
test can see what the harvester asked for and with which headers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    redirect: str = ""
    # Statuses to answer with before the page itself (e.g. [500] for one failure).
    failures: list[int] = field(default_factory=list)
    # Seconds to stall before answering, one entry per request (e.g. [1.0] to time out once).
    stalls: list[float] = field(default_factory=list)


@dataclass
class Request:
    path: str
    headers: dict


class LocalServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is not None and route.stalls:
                    time.sleep(route.stalls.pop(0))
                if route is None:
                    self._answer(404, b"not found", "text/plain")
                elif route.failures:
                    self._answer(route.failures.pop(0), b"server error", "text/plain")
                elif route.redirect:
                    self.send_response(301)
                    self.send_header("Location", route.redirect)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
                ):
                    self.send_response(304)
                    self.end_headers()
                else:
                    extra = {"ETag": route.etag, "Last-Modified": route.last_modified}
                    self._answer(200, route.body, route.content_type, {k: v for k, v in extra.items() if v})

            def _answer(self, status, body, content_type, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: str | bytes, **options) -> Route:
        route = Route(body=body.encode("utf-8") if isinstance(body, str) else body, **options)
        self.routes[path] = route
        return route

    def asked(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
