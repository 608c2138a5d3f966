import os

FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def default_settings_module(*, debug_default: bool) -> str:
    """Pick the settings module from DJANGO_DEBUG when none is given explicitly.

    ``manage.py`` defaults to debug (local development), the WSGI/ASGI entry
    points default to production. ``DJANGO_SETTINGS_MODULE`` always wins.
    """
    raw = os.environ.get("DJANGO_DEBUG")
    debug = debug_default if raw is None else raw.strip().lower() not in FALSE_WORDS
    return "mlqa_site.settings.dev" if debug else "mlqa_site.settings.prod"
