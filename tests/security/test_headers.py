"""Response headers and cookies under the production settings.

Each case runs in a subprocess with DJANGO_DEBUG=0 (so mlqa_site.settings.prod,
exactly as a deployment loads it) and drives Django's test client there: an
in-memory SQLite database, migrated, holds a member with a verified address.
Static files use plain storage in that process only, as collectstatic has not
run; nothing else is changed from production.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Independent of the database: CI runs it once, with PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, os, sys
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

requests = json.loads(os.environ["PROBE_REQUESTS"])
plain_static = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
results = []
with override_settings(STORAGES=plain_static, ALLOWED_HOSTS=["testserver"]):
    if os.environ.get("PROBE_MIGRATE"):
        call_command("migrate", verbosity=0)
        from allauth.account.models import EmailAddress
        from accounts.models import User
        member = User.objects.create_user("carol", "carol@example.com", "a long passphrase 42")
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    client = Client()
    for method, path, secure, data in requests:
        response = getattr(client, method.lower())(path, data or {}, secure=secure)
        cookies = {
            name: {
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
            }
            for name, morsel in response.cookies.items()
            if morsel.value  # a deleted cookie carries no value
        }
        results.append({
            "status": response.status_code,
            "headers": {k.lower(): v for k, v in response.headers.items()},
            "cookies": cookies,
        })
print("PROBE " + json.dumps(results))
"""


def production(requests: list, migrate: bool = False, **env: str) -> list[dict]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_EMAIL_CONSOLE": "1",
            "DATABASE_URL": "sqlite://:memory:",
            "ALLOWED_HOSTS": "testserver",
            "PROBE_REQUESTS": json.dumps(requests),
            "PROBE_MIGRATE": "1" if migrate else "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(li for li in result.stdout.splitlines() if li.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


PAGES = [
    ("GET", "/", True, None),
    ("GET", "/accounts/login/", True, None),
    ("GET", "/no-such-page/", True, None),
    ("GET", "/admin/login/", True, None),
    ("POST", "/accounts/login/", True, {"login": "carol", "password": "a long passphrase 42"}),
    ("GET", "/", False, None),  # plain HTTP
    ("GET", "/healthz", False, None),
]


@pytest.fixture(scope="module")
def responses() -> dict[str, dict]:
    results = production(PAGES, migrate=True)
    return {
        f"{m} {'https' if s else 'http'} {p}": r
        for (m, p, s, _), r in zip(PAGES, results, strict=True)
    }


def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        if part.strip():
            name, *values = part.split()
            parsed[name] = values
    return parsed


@pytest.mark.parametrize(
    "key",
    [
        "GET https /",
        "GET https /accounts/login/",
        "GET https /no-such-page/",
        "GET https /admin/login/",
    ],
)
def test_every_page_carries_the_security_headers(responses, key):
    headers = responses[key]["headers"]
    csp = directives(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], "scripts only from the site itself: no inline script"
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for values in csp.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(values)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["strict-transport-security"] == "max-age=3600; includeSubDomains; preload"


def test_plain_http_is_sent_to_https_but_the_health_check_answers(responses):
    redirect = responses["GET http /"]
    assert redirect["status"] == 301
    assert redirect["headers"]["location"] == "https://testserver/"
    assert responses["GET http /healthz"]["status"] == 200


def test_cookies_are_secure_http_only_and_same_site(responses):
    login_page = responses["GET https /accounts/login/"]["cookies"]
    logged_in = responses["POST https /accounts/login/"]
    assert logged_in["status"] == 302, "the member should be logged in"
    cookies = {**login_page, **logged_in["cookies"]}
    assert {"csrftoken", "sessionid"} <= set(cookies)
    for name, cookie in cookies.items():
        assert cookie == {"secure": True, "httponly": True, "samesite": "Lax"}, name


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DJANGO_HSTS_SECONDS": "31536000"}, "max-age=31536000; includeSubDomains; preload"),
        ({"DJANGO_HSTS_INCLUDE_SUBDOMAINS": "0", "DJANGO_HSTS_PRELOAD": "0"}, "max-age=3600"),
        ({"DJANGO_HSTS_SECONDS": "0"}, None),
    ],
)
def test_hsts_is_configurable(env, expected):
    # A page that needs no table: the database here is not migrated.
    [response] = production([("GET", "/robots.txt", True, None)], **env)
    assert response["status"] == 200
    assert response["headers"].get("strict-transport-security") == expected


def test_the_ssl_redirect_can_be_switched_off_for_a_local_plain_http_run():
    [response] = production([("GET", "/robots.txt", False, None)], DJANGO_SSL_REDIRECT="0")
    assert response["status"] == 200
    assert "strict-transport-security" not in response["headers"]  # never over plain HTTP
