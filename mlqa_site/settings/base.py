"""Settings shared by every environment.

All configuration comes from environment variables, read here and only here.
``dev``, ``test`` and ``prod`` import everything from this module and adjust
the few values that differ.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from mlqa_site import FALSE_WORDS
from mlqa_site.observability.errors import init_sentry
from mlqa_site.observability.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value; an empty or unset variable gives the default."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() not in FALSE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    return int(raw) if raw else default


# --- Environment -----------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
REDIS_URL = env_str("REDIS_URL")
# How many reverse proxies of ours stand in front of the site: the client's
# address is then the one the outermost of them put in X-Forwarded-For. 0 (the
# default) ignores the header, which any client can write.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# --- Applications ------------------------------------------------------------

INSTALLED_APPS = [
    "mlqa_site.apps.MLQAAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "django_tasks_db",
    "accounts",
    "questions",
    "study",
    "notifications",
    # Operations (issue 18): /healthz and /metrics.
    "health_check",
    "django_prometheus",
    "api",  # the read API, django-ninja (issue 18)
]

MIDDLEWARE = [
    # Operations (issue 18): the request id first, so every response and log line
    # has it; then the timing of the whole request for /metrics.
    "mlqa_site.observability.requestid.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # End of operations.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mlqa_site.middleware.RejectNulMiddleware",
    "mlqa_site.middleware.StripControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mlqa_site.middleware.DatabaseTimeoutMiddleware",
    # Operations (issue 18): last, to see the view that answered.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mlqa_site.urls"
WSGI_APPLICATION = "mlqa_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Data ----------------------------------------------------------------------

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests (runserver threads, the browser tests) write at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# PostgreSQL gives up on a statement, or on waiting for a lock, after this many
# milliseconds (0: never). Web requests get short limits, so a held lock or a
# slow query frees the worker with a 503 instead of tying it up; manage.py
# commands other than runserver (migrations, imports, background jobs) run
# with MLQA_DB_TIMEOUTS=command, set by manage.py, and the command limits.
MLQA_DB_TIMEOUTS = env_str("MLQA_DB_TIMEOUTS", "web")
if MLQA_DB_TIMEOUTS not in {"web", "command"}:
    raise ImproperlyConfigured("MLQA_DB_TIMEOUTS must be 'web' or 'command'.")
if MLQA_DB_TIMEOUTS == "web":
    MLQA_DB_STATEMENT_TIMEOUT_MS = env_int("MLQA_DB_STATEMENT_TIMEOUT_MS", 5000)
    MLQA_DB_LOCK_TIMEOUT_MS = env_int("MLQA_DB_LOCK_TIMEOUT_MS", 3000)
else:
    MLQA_DB_STATEMENT_TIMEOUT_MS = env_int("MLQA_DB_COMMAND_STATEMENT_TIMEOUT_MS", 0)
    MLQA_DB_LOCK_TIMEOUT_MS = env_int("MLQA_DB_COMMAND_LOCK_TIMEOUT_MS", 0)


def postgres_timeouts(*, statement_ms: int, lock_ms: int) -> str:
    """libpq's ``options``: the server applies these limits to the whole session."""
    return f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}"


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _timeouts = postgres_timeouts(
        statement_ms=MLQA_DB_STATEMENT_TIMEOUT_MS, lock_ms=MLQA_DB_LOCK_TIMEOUT_MS
    )
    # Options given in DATABASE_URL come after, so they win.
    _options["options"] = f"{_timeouts} {_options.get('options', '')}".strip()
    # A database host that accepts connections but never answers (overloaded,
    # half-dead network) costs a request this many seconds, not the TCP timeout.
    _options.setdefault("connect_timeout", env_int("MLQA_DB_CONNECT_TIMEOUT_S", 5))
    # Statements are prepared only where the code asks (mlqa_site/prepared.py); set
    # MLQA_DB_PREPARE=0 behind a pooler that cannot keep them (PgBouncer < 1.21).
    if env_bool("MLQA_DB_PREPARE", True):
        _options.setdefault("prepare_threshold", 2**31 - 1)
# Operations (issue 18): django-prometheus counts queries, connections and their
# errors for /metrics through its subclasses of the same backends. Compare
# connection.vendor, not ENGINE, to tell the databases apart.
_COUNTED_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
DATABASES["default"]["ENGINE"] = _COUNTED_ENGINES.get(
    DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"]
)
# End of operations.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    # Redis unavailable is a miss, not an error (mlqa_site/cache.py): a frozen Redis
    # costs a request the timeouts below, then this process leaves it alone for
    # REDIS_RETRY_SECONDS; the rate limits count per process meanwhile.
    CACHES = {
        "default": {
            "BACKEND": "mlqa_site.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mlqa",
            "OPTIONS": {
                "socket_connect_timeout": env_int("REDIS_CONNECT_TIMEOUT_MS", 200) / 1000,
                "socket_timeout": env_int("REDIS_TIMEOUT_MS", 500) / 1000,
                "RETRY_AFTER": env_int("REDIS_RETRY_SECONDS", 5),
                # The counters of questions/ratelimit.py and of allauth's rate limits.
                "LOCAL_FALLBACK": ["ratelimit:", "allauth:rl:"],
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "mlqa_site.observability.cachemetrics.CountedLocMemCache"}}
# Each process's copies of visitors' pages, members' list shells and question pages'
# shared parts (questions/pagecache.py): ~100 pages of ~150 kB, ~3,000 shared pages.
# Both count their hits, misses and bytes for /metrics (observability/cachemetrics.py).
CACHES["pages"] = {
    "BACKEND": "mlqa_site.observability.cachemetrics.CountedLocMemCache",
    "LOCATION": "mlqa-pages",
    "OPTIONS": {"MAX_ENTRIES": 100, "MAX_BYTES": 32 * 2**20},
}
CACHES["fragments"] = {
    "BACKEND": "mlqa_site.observability.cachemetrics.CountedLocMemCache",
    "LOCATION": "mlqa-fragments",
    "OPTIONS": {"MAX_ENTRIES": 3000, "MAX_BYTES": 32 * 2**20},
}
# The question page's per-request pieces, unpickled (mlqa_site/objectcache.py): facts,
# answer fragments (a few kB) and sections, members' parts, shells; immutable only.
CACHES["objects"] = {
    "BACKEND": "mlqa_site.objectcache.ObjectMemoryCache",
    "LOCATION": "mlqa-objects",
    "OPTIONS": {"MAX_ENTRIES": 5000, "MAX_BYTES": 128 * 2**20},
}

# --- Accounts ------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Mandatory everywhere but local development (dev.py), which has no mail server.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed sign-ins count per address and per account *from one address* (the key
# is "login from address"), plus per account from browsers that signed in to it
# before: nobody can lock an owner out (accounts/throttle.py).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_known_browser": "5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "accounts.adapters.user_display"
# One address per member: a new address replaces the old one once verified.
ACCOUNT_CHANGE_EMAIL = True
# Tell members by mail when their password or email address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MLQA] "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USERNAME_BLACKLIST = ["admin", "administrator", "moderator", "moderators", "mlqa"]

# Social log-in: a provider switches on only when its client id and secret are
# both in the environment; the log-in page lists only those providers.
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False


def oauth_provider(prefix: str, **options) -> dict:
    """allauth's settings for one OAuth provider read from PREFIX_CLIENT_ID and
    PREFIX_CLIENT_SECRET, or an empty dict when either is missing."""
    client_id, secret = env_str(f"{prefix}_CLIENT_ID"), env_str(f"{prefix}_CLIENT_SECRET")
    if not (client_id and secret):
        return {}
    return {"APPS": [{"client_id": client_id, "secret": secret, "key": ""}], **options}


SOCIALACCOUNT_PROVIDERS = {
    provider: config
    for provider, config in {
        "github": oauth_provider("GITHUB", SCOPE=["read:user", "user:email"]),
        "google": oauth_provider(
            "GOOGLE", SCOPE=["profile", "email"], AUTH_PARAMS={"access_type": "online"}
        ),
    }.items()
    if config
}

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MLQA <noreply@localhost>")
# Mail goes to the console unless production settings configure SMTP.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Internationalisation ------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ------------------------------------------------------------------

# Only the site's own assets: no inline script, no remote host, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Operations (issue 18: logs, errors, health, metrics) ----------------------

# Every log line carries the request id (RequestIdMiddleware); production writes
# one JSON object per line (prod.py).
LOGGING = logging_config(level=env_str("DJANGO_LOG_LEVEL", "INFO"), json_lines=False)
# Sentry only with a DSN; personal data off (mlqa_site/observability/errors.py).
SENTRY_ENABLED = init_sentry(
    dsn=env_str("SENTRY_DSN"),
    environment=env_str("SENTRY_ENVIRONMENT", "production"),
    release=env_str("SENTRY_RELEASE"),
    traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
)
# /metrics answers only a bearer of this token; unset, it does not exist (404).
MLQA_METRICS_TOKEN = env_str("MLQA_METRICS_TOKEN")
# /healthz: a task worker counts as stalled when the oldest task ready to run
# has waited this long (only with a database task backend, django-tasks-db).
MLQA_TASKS_STALLED_SECONDS = env_int("MLQA_TASKS_STALLED_SECONDS", 300)
# --- End of operations -----------------------------------------------------------

# --- MLQA ----------------------------------------------------------------------

MLQA_QUESTIONS_PER_PAGE = 20
# A search lists at most this many matches: the first by a cheap order (on
# PostgreSQL how well the title matches, then the newest), ranked among
# themselves (questions/search.py). Keeps a search's cost flat as data grows.
MLQA_SEARCH_CANDIDATES = 200
# New practice cards a member is introduced to per day (study/scheduling.py).
MLQA_NEW_CARDS_PER_DAY = env_int("MLQA_NEW_CARDS_PER_DAY", 20)
# A question shows how often members missed it the first time (study/empirical.py)
# once this many members have practised it.
MLQA_EMPIRICAL_MIN_REVIEWS = env_int("MLQA_EMPIRICAL_MIN_REVIEWS", 20)
# A member's other deck options until they change them on /practice/options/:
# ratings a day at most, and the recall probability FSRS schedules for.
MLQA_MAX_REVIEWS_PER_DAY = env_int("MLQA_MAX_REVIEWS_PER_DAY", 200)
MLQA_DESIRED_RETENTION = 0.9
# Overrides of questions/ratelimit.py's DEFAULT_LIMITS: {"vote": (count, seconds), ...}.
MLQA_RATE_LIMITS: dict[str, tuple[int, int]] = {}
# Visitors' pages kept whole in the cache (questions/pagecache.py), for this many
# seconds at most; writes invalidate them at once. Off without a shared cache:
# one process's memory cache would not see another's invalidations.
MLQA_PAGE_CACHE_SECONDS = env_int("MLQA_PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)
# How long a member's row may come from the cache (accounts/usercache.py: it is
# forgotten at once when it changes; this bounds a change made past the signals).
MLQA_USER_CACHE_SECONDS = env_int("MLQA_USER_CACHE_SECONDS", 600 if REDIS_URL else 0)
# Lists are kept this long at most (within MLQA_PAGE_CACHE_SECONDS): votes and
# bookmarks do not renew them, so their scores and counts may lag this much.
MLQA_LIST_CACHE_SECONDS = env_int("MLQA_LIST_CACHE_SECONDS", 60)
# Visitors' pages (the same for every visitor, with an ETag) may be kept this
# long by browsers (max-age) and by a shared proxy or CDN (s-maxage).
MLQA_PUBLIC_MAX_AGE = env_int("MLQA_PUBLIC_MAX_AGE", 0)
MLQA_PUBLIC_S_MAXAGE = env_int("MLQA_PUBLIC_S_MAXAGE", 30)
# Vetting (questions/vetting.py): an answer's state needs this many verdicts on
# its current text; "verified" needs this share of "correct" ("partly" counts
# half), "judged wrong" a majority of "wrong"; anything else is "disputed".
MLQA_VERIFICATION = {
    "min_verdicts": env_int("MLQA_VERIFICATION_MIN_VERDICTS", 3),
    "verified_share": float(env_str("MLQA_VERIFICATION_VERIFIED_SHARE", "0.8")),
}

# Semantic search (questions/embeddings/): a sentence-embedding model run on the
# CPU (onnxruntime), no download at run time. "off" turns it off: the ask
# form, related questions and search fall back to words alone.
MLQA_EMBEDDINGS = env_str("MLQA_EMBEDDINGS", "on").lower() not in {"off", "0", "false", "no"}
# Another ONNX model (a BERT-style encoder whose mean-pooled output is the
# vector) and its tokenizer.json, each with its sha256; empty = the packaged
# all-MiniLM-L6-v2 (int8), pinned in questions/embeddings/model.py.
MLQA_EMBEDDING_MODEL = {
    "onnx": env_str("MLQA_EMBEDDING_ONNX"),
    "onnx_sha256": env_str("MLQA_EMBEDDING_ONNX_SHA256"),
    "tokenizer": env_str("MLQA_EMBEDDING_TOKENIZER"),
    "tokenizer_sha256": env_str("MLQA_EMBEDDING_TOKENIZER_SHA256"),
    "threads": env_int("MLQA_EMBEDDING_THREADS", 1),
}
# Cosine similarity at which a question counts as similar (the ask form's
# list, search's vector candidates) and as a likely duplicate (a plain post
# of the ask form then asks for confirmation).
MLQA_SIMILAR_MIN = float(env_str("MLQA_SIMILAR_MIN", "0.3"))
MLQA_DUPLICATE_MIN = float(env_str("MLQA_DUPLICATE_MIN", "0.8"))

# --- Background work -----------------------------------------------------------

# Django's tasks framework. The default keeps the queue in the database
# (django-tasks-db; run `manage.py db_worker`), so a fresh clone needs nothing
# more. MLQA_TASKS_BACKEND names another backend class (a Redis-backed one
# installed for it, say), MLQA_TASKS_OPTIONS its OPTIONS as JSON.
TASKS = {
    "default": {
        "BACKEND": env_str("MLQA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "OPTIONS": json.loads(env_str("MLQA_TASKS_OPTIONS", "{}")),
    }
}
# A failing task is tried this many times in all, waiting 30 s, 60 s, 120 s…
# between tries (mlqa_site/background.py).
MLQA_TASK_ATTEMPTS = env_int("MLQA_TASK_ATTEMPTS", 5)
MLQA_TASK_BACKOFF_SECONDS = env_int("MLQA_TASK_BACKOFF_SECONDS", 30)

# --- Notifications ---------------------------------------------------------------

# Where links in e-mails point (no request to take the host from in a worker).
MLQA_SITE_URL = env_str("MLQA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The header's unread count asks again this often (htmx), and on every page.
MLQA_INBOX_POLL_SECONDS = env_int("MLQA_INBOX_POLL_SECONDS", 60)
MLQA_NOTIFICATIONS_PER_PAGE = 30
# An unsubscribe link in an e-mail works for this many days.
MLQA_UNSUBSCRIBE_MAX_AGE_DAYS = env_int("MLQA_UNSUBSCRIBE_MAX_AGE_DAYS", 60)
