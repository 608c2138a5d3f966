"""ASGI entry point. Production settings by default."""

import os

from django.core.asgi import get_asgi_application

from mlqa_site import default_settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module(debug_default=False))

application = get_asgi_application()
