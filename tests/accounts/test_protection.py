"""Sign-in protection: rate limits, cookies, verification and mail per environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"

SHOW_SETTINGS = """
import json
from django.conf import settings as s
mailer = s.MAILERS["default"]
print(json.dumps({
    "debug": s.DEBUG,
    "verification": s.ACCOUNT_EMAIL_VERIFICATION,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "session_samesite": s.SESSION_COOKIE_SAMESITE,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "mail_backend": mailer["BACKEND"],
    "mail_host": mailer.get("OPTIONS", {}).get("host"),
    "providers": sorted(s.SOCIALACCOUNT_PROVIDERS),
    "rate_limits": sorted(s.ACCOUNT_RATE_LIMITS),
    "trusted_proxies": getattr(s, "ALLAUTH_TRUSTED_PROXY_COUNT", 0),
}))
"""


def settings_for(**env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "GITHUB_", "GOOGLE_", "EMAIL_", "ALLOWED_HOSTS", "DATABASE_URL")
        )
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.once
def test_production_requires_verification_secures_cookies_and_mails_over_smtp():
    prod = settings_for(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_HOST="smtp.example.org",
        ALLOWED_HOSTS="mlqa.example.org",
        DATABASE_URL="sqlite://:memory:",
        GITHUB_CLIENT_ID="id",
        GITHUB_CLIENT_SECRET="secret",
    )
    assert prod["debug"] is False
    assert prod["verification"] == "mandatory"
    assert prod["session_secure"]
    assert prod["session_httponly"]
    assert prod["csrf_secure"]
    assert prod["session_samesite"] == "Lax"
    assert prod["mail_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert prod["mail_host"] == "smtp.example.org"
    assert prod["providers"] == ["github"]
    assert {"login", "login_failed", "signup", "reset_password"} <= set(prod["rate_limits"])


@pytest.mark.once
def test_x_forwarded_for_is_trusted_only_behind_the_configured_proxies():
    assert settings_for()["trusted_proxies"] == 0
    assert settings_for(DJANGO_TRUSTED_PROXY_COUNT="1")["trusted_proxies"] == 1


@pytest.mark.once
def test_locally_verification_is_optional_mail_goes_to_the_console_and_no_provider():
    local = settings_for()
    assert local["debug"] is True
    assert local["verification"] == "optional"
    # The console, decoded (mlqa_site.mail: Django's own prints quoted-printable).
    assert local["mail_backend"] == "mlqa_site.mail.ReadableConsoleBackend"
    assert local["providers"] == []


@pytest.mark.django_db
def test_sign_ups_from_one_address_are_limited(client):
    statuses = []
    for n in range(21):
        response = client.post(
            reverse("account_signup"),
            {
                "email": f"bot{n}@example.com",
                "username": f"bot{n}",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        statuses.append(response.status_code)
        client.logout()
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    assert "Slow down a little" in response.content.decode()


@pytest.mark.django_db
@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_password_reset_requests_for_one_address_are_limited(client, mailoutbox):
    UserFactory(username="alice")
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    assert len(mailoutbox) == 5
    response = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    assert response.status_code == 429
    assert len(mailoutbox) == 5
