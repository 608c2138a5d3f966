"""Request ids in responses and log lines; JSON logs and Sentry in production."""

import io
import json
import logging
import logging.config
import re

import pytest

from mlqa_site.observability.logs import logging_config
from tests.test_settings import SERVER, manage

PRODUCTION = {
    **SERVER,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-test-only-secret-key-" + "x1y2z3" * 6,
    "DJANGO_EMAIL_CONSOLE": "1",
}

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"[0-9a-f]{32}")


def test_a_request_without_an_id_gets_a_new_one_in_the_response(client):
    first = client.get("/robots.txt")["X-Request-ID"]
    second = client.get("/robots.txt")["X-Request-ID"]
    assert HEX_ID.fullmatch(first)
    assert HEX_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("given", ["4bf92f3577b34da6a3ce929d0e0e4736", "req-1.2:3", "a" * 128])
def test_a_sane_id_from_the_proxy_is_kept(client, given):
    assert client.get("/robots.txt", headers={"X-Request-ID": given})["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given", ["", "a" * 129, "has space", "line\nbreak", '"quoted"', "-leading", "é"]
)
def test_an_insane_id_is_replaced(client, given):
    got = client.get("/robots.txt", headers={"X-Request-ID": given})["X-Request-ID"]
    assert HEX_ID.fullmatch(got)


@pytest.fixture
def json_log():
    """The production log format on a buffer, for django.request."""
    config = logging_config(level="INFO", json_lines=True)
    config["handlers"]["console"]["stream"] = stream = io.StringIO()
    config["root"] = {"handlers": [], "level": "INFO"}
    config["loggers"] = {"django.request": {"handlers": ["console"], "level": "INFO"}}
    logging.config.dictConfig(config)
    yield stream
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def test_log_lines_are_json_with_the_request_id(client, json_log):
    response = client.get("/no-such-page/", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 404
    lines = json_log.getvalue().splitlines()
    assert lines, "Django logs a 404"
    record = json.loads(lines[-1])
    assert record["request_id"] == "abc-123"
    assert record["level"] == "WARNING"
    assert record["logger"] == "django.request"
    assert record["message"] == "Not Found: /no-such-page/"
    # Outside a request, after it: no id.
    logging.getLogger("django.request").info("between requests")
    assert json.loads(json_log.getvalue().splitlines()[-1])["request_id"] == "-"


LOG_A_LINE = (
    "import logging\n"
    "try:\n"
    "    1 / 0\n"
    "except ZeroDivisionError:\n"
    "    logging.getLogger('mlqa.test').exception('it broke')\n"
)


@pytest.mark.once
def test_production_logs_one_json_object_per_line():
    result = manage("shell", "-c", LOG_A_LINE, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    [line] = [li for li in result.stderr.splitlines() if "it broke" in li]
    record = json.loads(line)
    assert record["message"] == "it broke"
    assert record["level"] == "ERROR"
    assert "ZeroDivisionError" in record["exc_info"]


SENTRY_STATE = (
    "import sentry_sdk\n"
    "client = sentry_sdk.get_client()\n"
    "print('SENTRY', client.is_active(), client.options['send_default_pii'])\n"
)


@pytest.mark.once
def test_sentry_is_on_only_with_a_dsn_and_without_personal_data():
    off = manage("shell", "-c", SENTRY_STATE, **PRODUCTION)
    assert "SENTRY False" in off.stdout, off.stderr
    on = manage("shell", "-c", SENTRY_STATE, SENTRY_DSN="http://public@127.0.0.1:9/1", **PRODUCTION)
    assert "SENTRY True False" in on.stdout, on.stderr


SENTRY_EVENT = r"""
import json, os
from unittest import mock
import sentry_sdk
from sentry_sdk.transport import Transport
from django.test import Client

events = []

class Keep(Transport):
    def capture_envelope(self, envelope):
        events.extend(item.payload.json for item in envelope.items if item.type == "event")

sentry_sdk.get_client().transport = Keep()
client = Client(HTTP_HOST="mlqa.example.org", raise_request_exception=False)
client.cookies["sessionid"] = os.environ["SESSION_SECRET"]
with mock.patch("questions.selectors.question_pages", side_effect=RuntimeError("boom")):
    response = client.get("/?q=private+search", secure=True, HTTP_X_REQUEST_ID="rid-42",
                          HTTP_AUTHORIZATION="Bearer " + os.environ["TOKEN_SECRET"])
sentry_sdk.flush()
print("EVENTS " + json.dumps({"status": response.status_code, "events": events}))
"""


@pytest.mark.once
def test_a_sentry_event_has_the_request_id_and_no_personal_data():
    # The secrets come from the environment: the script's text is in the event
    # (sys.argv), as a command's would be.
    result = manage(
        "shell", "-c", SENTRY_EVENT, SENTRY_DSN="http://public@127.0.0.1:9/1",
        SESSION_SECRET="a-session-secret", TOKEN_SECRET="a-token-secret", **PRODUCTION,
    )  # fmt: skip
    line = next(li for li in result.stdout.splitlines() if li.startswith("EVENTS "))
    found = json.loads(line.removeprefix("EVENTS "))
    assert found["status"] == 500
    [event] = [e for e in found["events"] if e.get("exception")]
    assert event["exception"]["values"][-1]["value"] == "boom"
    assert event["tags"]["request_id"] == "rid-42"
    sent = json.dumps(event)
    for secret in ("a-session-secret", "a-token-secret"):
        assert secret not in sent
    assert "ip_address" not in event.get("user", {})
