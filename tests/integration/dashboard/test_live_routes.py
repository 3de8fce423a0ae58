"""LIVE endpoint policy (000 + design §9): every URL pattern the project serves (admin included),
with every HTTP method: non-GET -> 403 (admin login/logout posts aside), unknown -> 404, and the
database unchanged. Once in-process through Django (logged in, so admin views really run) and
once against a real daphne in LIVE (the ASGI routes too: SSE consumer, static files)."""
from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver

from tests.integration.dashboard import cast

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
SESSION_ONLY_POSTS = {"/admin/login/", "/admin/logout/"}
UNKNOWN = ("/", "/api/", "/api/dashboard/", "/api/orders/1", "/api/stream/x", "/api/control/pause", "/api/flatten",
           "/api/orders/cancel", "/dashboard/", "/health/x", "/static/nope.js", "/favicon.ico", "/ws/dashboard",
           "/admin-x/", "/api/dashboard.json")
# GET on a declared route that may 404 only because the sample object does not exist.
MAY_404 = re.compile(r"^/admin/r/|^/reports/[^/]+/$")
ADMIN_CATCH_ALL = "/admin/no-such-page/"


def walk(patterns: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


def sample_path(route: str, object_id: str) -> str:
    """Return a concrete path for one pattern (route converters and the admin's regexes)."""
    route = re.sub(r"\(\?P<app_label>([^|)]+)[^)]*\)", r"\1", route)
    route = route.replace("(?P<url>.*)", "no-such-page/")
    route = re.sub(r"<(?:\w+:)?\w+>", object_id, route)
    return "/" + route.replace("^", "").replace("$", "")


def declared_paths(object_id: str) -> list[str]:
    paths = sorted({sample_path(r, object_id) for r in walk(get_resolver().url_patterns)})
    assert len(paths) > 100 and "/api/dashboard" in paths and "/admin/" in paths
    return paths


def db_fingerprint() -> str:
    """Return a digest of every row of every model (sessions included)."""
    h = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        h.update(model._meta.label.encode())
        for row in model._default_manager.order_by("pk").values_list():
            h.update(repr(row).encode())
    return h.hexdigest()


def expected_ok(method: str, path: str, status: int) -> bool:
    if method != "GET":
        if method == "POST" and path in SESSION_ONLY_POSTS:
            return status in (200, 302)
        return status == 403
    if path == ADMIN_CATCH_ALL:
        return status in (302, 404)  # the admin's own "unknown route" (302 to login when anonymous)
    if MAY_404.match(path):
        return status in (302, 404)
    return status in (200, 302, 403) and status < 500  # 403: admin add views are refused in LIVE


@pytest.fixture
def live(settings: Any) -> None:
    settings.MODE = "LIVE"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_every_route_and_method_in_process(client: Any, admin_user: User, live: None, filled: cast.Cast) -> None:
    client.force_login(admin_user)
    anonymous = type(client)()
    before = db_fingerprint()
    wrong = []
    for path in declared_paths(str(admin_user.pk)):
        for method in METHODS:
            who = anonymous if path in SESSION_ONLY_POSTS else client  # logout would end the session
            status = who.generic(method, path).status_code
            if not expected_ok(method, path, status):
                wrong.append((method, path, status))
    for path in UNKNOWN:
        for method in METHODS:
            status = client.generic(method, path).status_code
            if status != (404 if method == "GET" else 403):
                wrong.append((method, path, status))
    assert not wrong
    assert db_fingerprint() == before


@pytest.mark.django_db(transaction=True)
def test_every_route_and_method_against_daphne(start_server: Any) -> None:
    cast.fill(cast.now_ms_for_tests(), mode="LIVE")
    server = start_server(mode="LIVE")
    before = db_fingerprint()
    asgi_routes = ["/api/stream", "/static/dashboard/app.js", "/static/vendor/bootstrap-5.3.9/bootstrap.min.css"]
    wrong = []
    for path in declared_paths("1") + asgi_routes:
        for method in METHODS:
            status, headers, body = server.request(method, path, body=b"x=1" if method != "GET" else None,
                                                   read_body=path != "/api/stream")
            if method == "POST" and path in SESSION_ONLY_POSTS and status == 403 and b"CSRF" in body:
                continue  # Django's CSRF check, not the LIVE guard: the real form post is below
            if not expected_ok(method, path, status):
                wrong.append((method, path, status))
            if method == "GET" and path == "/api/stream":
                assert headers["content-type"].startswith("text/event-stream")
    for path in UNKNOWN:
        for method in METHODS:
            status = server.request(method, path)[0]
            if status != (404 if method == "GET" else 403):
                wrong.append((method, path, status))
    assert not wrong
    for path in SESSION_ONLY_POSTS:
        assert expected_ok("POST", path, form_post(server, path))
    assert db_fingerprint() == before


def form_post(server: Any, path: str) -> int:
    """POST the admin form the way a browser does (CSRF cookie + token); return the status."""
    status, headers, page = server.request("GET", "/admin/login/")
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert status == 200 and token
    form = b"csrfmiddlewaretoken=" + token.group(1) + b"&username=nobody&password=wrong"
    return server.request("POST", path, body=form, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{server.port}/admin/login/"})[0]

