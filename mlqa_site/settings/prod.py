"""Production: debug off, HTTPS-only cookies; refuses to start without a secret key, hosts,
a database or a mail server."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool, env_int, env_str, logging_config

DEBUG = False

# Nothing falls back silently: base.py's defaults (localhost, SQLite in the
# project folder) suit a laptop, never a server.
for _name in ("ALLOWED_HOSTS", "DATABASE_URL"):
    if not env_str(_name):
        raise ImproperlyConfigured(
            f"{_name} must be set in production (DJANGO_DEBUG=0): see the README's "
            "'Production' section."
        )

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production (DJANGO_DEBUG=0).")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# HTTPS only. Behind a TLS-terminating proxy set DJANGO_BEHIND_PROXY=1 so the
# proxy's X-Forwarded-Proto is trusted; DJANGO_SSL_REDIRECT=0 only for a local
# plain-HTTP run (benchmarks). The health check stays reachable over HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# One hour by default so a misconfigured host recovers quickly; raise it to a
# year (31536000) once HTTPS is known to work everywhere.
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload directive only matters once the domain is submitted to the list
# (which needs a max-age of a year); switch it off if subdomains are not HTTPS.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Mail goes over SMTP to EMAIL_HOST. Members cannot verify their address or reset
# a password without it, so production refuses to start with no mail server,
# unless DJANGO_EMAIL_CONSOLE=1 says on purpose to print mail to the log instead
# (a demo, a benchmark, the test suite's servers).
if env_bool("DJANGO_EMAIL_CONSOLE", False):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
elif env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                # Implicit TLS (usually port 465); use one of EMAIL_USE_TLS / EMAIL_USE_SSL.
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": 10,
            },
        }
    }
else:
    raise ImproperlyConfigured(
        "No mail server: set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, ... as needed) in "
        "production, or DJANGO_EMAIL_CONSOLE=1 to print mail to the log instead."
    )

# Operations (issue 18): one JSON object per line, with the request id, for the
# log collector; MLQA_LOG_JSON=0 for readable lines.
LOGGING = logging_config(
    level=env_str("DJANGO_LOG_LEVEL", "INFO"), json_lines=env_bool("MLQA_LOG_JSON", True)
)
