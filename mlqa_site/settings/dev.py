"""Local development: debug on, a throw-away secret key unless one is given."""

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
# No mail server locally: the console shows the mail, and nobody has to click it.
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Django's own static handler in debug: no collectstatic needed for `make run`.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves straight from the app and project folders: no collectstatic
# needed locally or in tests (production runs collectstatic into STATIC_ROOT).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Mail is printed decoded, links whole (Django's console prints quoted-printable).
MAILERS = {"default": {"BACKEND": "mlqa_site.mail.ReadableConsoleBackend"}}
