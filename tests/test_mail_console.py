"""Development mail on the console: readable, with whole links."""

import importlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.console import EmailBackend

from mlqa_site.mail import ReadableConsoleBackend

LINK = (
    "http://127.0.0.1:8000/accounts/confirm-email/"
    "MQ:1tXyZa:verylongsignedtokenAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefghijkl/"
    "?next=%2Fquestions%2F12%2Fwhat-is-dropout%2F&amp=1"
)


def send(**kwargs) -> str:
    stream = io.StringIO()
    backend = ReadableConsoleBackend(stream=stream)
    message = mail.EmailMultiAlternatives(
        subject="[MLQA] Please confirm your e-mail address",
        body=f"Hello from MLQA — café\n\nTo confirm, go to {LINK}\n\nThanks!",
        from_email="MLQA <noreply@localhost>",
        to=["carol@example.com"],
        **kwargs,
    )
    message.attach_alternative(f'<p><a href="{LINK}">Confirm</a></p>', "text/html")
    assert backend.send_messages([message]) == 1
    return stream.getvalue()


def test_links_are_printed_whole_and_text_decoded():
    out = send()
    assert f"To confirm, go to {LINK}" in out.splitlines()  # whole, on one line
    assert "=3D" not in out
    assert "=\n" not in out
    assert "Hello from MLQA — café" in out  # not encoded
    assert "Subject: [MLQA] Please confirm your e-mail address" in out
    assert "To: carol@example.com" in out
    assert "Also in this message (not shown): text/html" in out


def test_django_console_would_have_cut_the_link():
    """Why the backend exists: the stock console prints quoted-printable."""
    stream = io.StringIO()
    message = mail.EmailMessage(
        "Link", f"Go to {LINK} now, and café.", "a@example.com", ["b@example.com"]
    )
    EmailBackend(stream=stream).send_messages([message])
    assert LINK not in stream.getvalue()


def test_development_settings_use_it():
    dev = importlib.import_module("mlqa_site.settings.dev")
    assert dev.MAILERS["default"]["BACKEND"] == "mlqa_site.mail.ReadableConsoleBackend"


def test_make_run_takes_the_port_and_host_the_readme_documents():
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    assert "make run PORT=8001" in readme
    assert "make run HOST=0.0.0.0" in readme
    if shutil.which("make") is None:
        pytest.fail("make is needed to check the Makefile")
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8001", "HOST=0.0.0.0"],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    # runserver and the background worker, together (bin/serve-with-worker).
    assert re.search(r"bin/serve-with-worker \S+ 0\.0\.0\.0:8001$", dry.stdout, re.M)
    assert 'runserver "$address"' in (root / "bin" / "serve-with-worker").read_text()
