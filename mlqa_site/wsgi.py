"""WSGI entry point (gunicorn mlqa_site.wsgi). Production settings by default."""

import os

from django.core.wsgi import get_wsgi_application

from mlqa_site import default_settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module(debug_default=False))

application = get_wsgi_application()
