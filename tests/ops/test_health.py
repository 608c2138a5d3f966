"""/healthz: plain lines for probes, JSON for machines that ask, a page for people;
503 only when the site cannot serve."""

import pytest
from django.db import OperationalError, connection

from mlqa_site.observability import health, tasks

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def test_machines_asking_for_json_get_every_check(client):
    response = client.get("/healthz", headers=JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["status"] == "ok"
    expected = {"database", "cache", "migrations"}
    if tasks.database_backends():  # tasks run from the database: their workers too
        expected.add("tasks")
    assert set(data["checks"]) == expected
    assert data["checks"]["database"]["status"] == "ok"
    assert data["checks"]["cache"]["detail"] == "ok (this process's memory: no REDIS_URL)"
    assert isinstance(data["checks"]["migrations"]["seconds"], float)
    assert "no-cache" in response["Cache-Control"]
    assert "Accept" in response["Vary"]
    assert client.get("/healthz?format=json").json()["checks"].keys() == data["checks"].keys()


def test_people_get_a_readable_page_of_the_sites_own_style(client):
    response = client.get("/healthz", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Health: ok</h1>" in html
    assert '<th scope="row">migrations</th><td>ok</td>' in html
    assert "<style" not in html  # the CSP allows the site's stylesheet only
    assert "/static/css/site.css" in html


@pytest.mark.parametrize(
    "accept", ["", "*/*", "text/plain", "nonsense", "text/html;q=0, */*", "image/png"]
)
def test_probes_get_plain_lines_whatever_they_accept(client, accept):
    response = client.get("/healthz", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.splitlines()[0] == "database: ok"


def _database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused: secret-host:5432")

    monkeypatch.setattr(connection, "cursor", refuse)


def test_database_down_is_503_in_every_format_and_tells_no_detail(client, monkeypatch):
    _database_down(monkeypatch)
    text = client.get("/healthz")
    assert text.status_code == 503
    assert text.text.splitlines()[0] == "database: unavailable (the database does not answer)"
    data = client.get("/healthz", headers=JSON)
    assert data.status_code == 503
    assert data.json()["status"] == "unavailable"
    assert data.json()["checks"]["database"]["status"] == "unavailable"
    page = client.get("/healthz", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert "<h1>Health: unavailable</h1>" in page.content.decode()
    for response in (text, data, page):
        assert "secret-host" not in response.content.decode()


def test_migrations_not_applied_are_503(client, monkeypatch):
    expected = health._expected_migrations("default") | {("questions", "9999_from_the_future")}
    monkeypatch.setitem(health._migrations_on_disk, "default", expected)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "migrations: unavailable (1 not applied: run manage.py migrate)" in response.text


def test_task_check_appears_with_a_database_task_backend_and_never_fails_the_site(
    client, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert "tasks" not in client.get("/healthz", headers=JSON).json()["checks"]

    settings.TASKS = {"default": {"BACKEND": tasks.DATABASE_BACKEND}}
    late = tasks.Queue("default", ready=4, oldest_ready_since=None)
    monkeypatch.setattr(tasks, "queues", lambda: [late])
    monkeypatch.setattr(tasks, "stalled", lambda found: found)
    response = client.get("/healthz", headers=JSON)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["tasks"] == {
        **response.json()["checks"]["tasks"],
        "status": "degraded",
        "detail": "degraded (4 tasks waiting; queue default waited longer than "
        "MLQA_TASKS_STALLED_SECONDS: is a db_worker running?)",
    }
    monkeypatch.setattr(tasks, "stalled", lambda found: [])
    assert client.get("/healthz").text.splitlines()[-1] == "tasks: ok (4 tasks waiting)"


def test_an_unreadable_task_queue_is_degraded_not_down(client, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": tasks.DATABASE_BACKEND}}

    def unreadable():
        raise OperationalError("no such table: django_tasks_db_dbtaskresult")

    monkeypatch.setattr(tasks, "queues", unreadable)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text.splitlines()[-1] == "tasks: degraded (cannot read the task queue)"
