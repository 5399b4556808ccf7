"""The production way to run the archive: gunicorn workers, hardened settings, health, limits.

The end-to-end test starts the real `manage.py production` on a free port, as an operator
would, and reads what a browser would get.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from tests.search_support import SEED, load_seed, search_index  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parent.parent


def production_env(var_dir: Path, **extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "archive.example.org,127.0.0.1",
        "ARCHIVE_VAR_DIR": str(var_dir),
        **extra,
    }
    # A suite run against PostgreSQL must not give this throw-away archive its database, and
    # what the browser tests set for themselves is no part of a deployment.
    # The embedded default: SQLite and the Whoosh engine, whatever the suite runs on.
    env.pop("DATABASE_URL", None)
    env.pop("ARCHIVE_SEARCH_ENGINE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_check_deploy_is_clean_behind_tls(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_when_the_proxy_redirects_to_https(tmp_path):
    env = production_env(tmp_path, DJANGO_SSL_REDIRECT="0", DJANGO_BEHIND_PROXY="1")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_health_answers_a_plain_http_probe_while_pages_redirect_to_https(tmp_path):
    env = production_env(tmp_path)
    assert manage("migrate", env=env).returncode == 0
    probe = (
        "from django.test import Client; c = Client(HTTP_HOST='127.0.0.1'); "
        "print(c.get('/healthz').status_code, c.get('/').status_code, c.get('/').headers.get('Location'))"
    )
    result = manage("shell", "-c", probe, env=env)
    assert result.stdout.split()[-3:] == ["200", "301", "https://127.0.0.1/"], result.stdout + result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1")
    result = manage("production", "--prepare-only", env=env)
    assert result.returncode != 0
    assert "Production needs DJANGO_DEBUG=0" in result.stderr


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_without_inline_script(client, search_index):
    transcript = load_seed()
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # Only a quote's embed may be framed by other sites.
    embed = client.get(f"/transcripts/{transcript.slug}/2/embed/")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_sign_in_is_refused_after_five_failures(client):
    User.objects.create_superuser("editor", "editor@example.org", "a-long-correct-password")
    statuses = [
        client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"}).status_code
        for _ in range(5)
    ]
    # Four failures are shown the form again; the fifth locks the username at this address.
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "a-long-correct-password"})
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert client.get("/admin/").status_code == 302  # still not signed in
    # Another username from the same address is not locked out.
    User.objects.create_superuser("second", "second@example.org", "another-long-password")
    assert client.post("/admin/login/?next=/admin/", {"username": "second", "password": "another-long-password"}).status_code == 302


@pytest.mark.django_db
def test_health_says_what_it_checked(client, search_index):
    load_seed()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["pending"] == 0
    assert re.fullmatch(r"ok, \d+ documents", body["search_index"])
    assert "no-cache" in response.headers["Cache-Control"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


GREEK_PRESS_AVAILABILITY = SEED.parent / "state-2026-10-07-rubio-greek-fm-press-availability.txt"


def _search_counts(base, words, times):
    counts = []
    for _ in range(times):
        status, _headers, body = _get(base + "/api/search/?q=" + words)
        assert status == 200, body
        counts.append(json.loads(body)["count"])
    return counts


def test_production_serves_the_archive_with_gunicorn(tmp_path):
    env = production_env(tmp_path, DJANGO_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0", ARCHIVE_ACCESS_LOG="1")
    assert manage("migrate", env=env).returncode == 0
    ingested = manage("ingest", str(SEED), env=env)
    assert ingested.returncode == 0, ingested.stderr
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "production", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                status, _headers, body = _get(base + "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("the production server did not answer: " + (tmp_path / "server.log").read_text())
        assert json.loads(body)["pending"] == 0

        status, headers, home = _get(base + "/")
        assert status == 200
        assert "Jake Tapper" in home or "Blinken" in home
        assert "Content-Security-Policy" in headers
        # Static files under hashed names, cached for good, served by the application itself.
        stylesheet = re.search(r'href="(/static/css/archive\.[0-9a-f]{12}\.css)"', home)
        assert stylesheet, "the stylesheet should have a hashed name"
        status, headers, css = _get(base + stylesheet.group(1))
        assert status == 200 and "max-age=315360000" in headers["Cache-Control"]
        assert ":root" in css

        # Errors are the archive's own pages, never a traceback.
        status, _headers, missing = _get(base + "/transcripts/no-such-transcript/")
        assert status == 404 and "Nothing at this address" in missing and "Traceback" not in missing

        status, _headers, found = _get(base + "/api/search/?q=telegraph")
        assert status == 200 and json.loads(found)["count"] == 1

        # An ingest run beside the server is found by every worker once it has committed,
        # without a restart: each request may land on either of the two workers.
        assert _search_counts(base, "Fairford", 4) == [0] * 4
        added = manage("ingest", str(GREEK_PRESS_AVAILABILITY), env=env)
        assert added.returncode == 0, added.stderr
        assert _search_counts(base, "Fairford", 12) == [1] * 12
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    lines = (tmp_path / "server.log").read_text().splitlines()
    access = [json.loads(line) for line in lines if line.startswith("{") and '"logger": "archive.access"' in line]
    assert {"method": "GET", "path": "/api/search/", "status": 200}.items() <= access[-1].items()
    assert "Booting worker" in "\n".join(lines)


def test_a_web_process_is_prepared_before_its_first_request():
    """What archive.wsgi does in gunicorn's master: every template of the project compiled
    and the table reverse() reads built, so that no worker's first page pays for them."""
    from django.template import engines
    from django.urls import clear_url_caches, get_resolver

    from archive.web_process import prepare

    (loader,) = engines["django"].engine.template_loaders
    loader.reset()
    clear_url_caches()
    assert not get_resolver()._populated
    prepare()
    assert get_resolver()._populated
    templates = Path(__file__).resolve().parent.parent / "templates"
    pages = {p.relative_to(templates).as_posix() for p in templates.rglob("*.html")}
    assert {"search/search.html", "search/_result.html", "archive/turn_detail.html", "base.html"} <= pages
    assert pages <= set(loader.get_template_cache)


class _Worker:
    class log:
        @staticmethod
        def warning(*args):
            pass


@pytest.mark.django_db
def test_a_worker_freezes_what_it_keeps_once_it_is_ready(search_index):
    """What a worker holds for its whole life is out of the collector's full passes, which
    otherwise stall a request now and then (bench/README.md)."""
    import gc

    from archive import gunicorn_conf

    gc.unfreeze()
    kept = object.__new__(type("Kept", (), {}))  # a tracked object alive before the hook
    try:
        gunicorn_conf.post_worker_init(_Worker())
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())
    finally:
        gc.unfreeze()
