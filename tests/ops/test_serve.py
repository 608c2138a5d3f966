"""`make serve` (bin/serve): the production settings under gunicorn, tried here."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.redis_server import free_port

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]


def test_make_serve_runs_the_production_site_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_", "ALLOWED_HOSTS", "MLQA_"))
        },
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "WEB_CONCURRENCY": "2",
        "MLQA_METRICS_TOKEN": "serve-token",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        serve = subprocess.Popen(
            ["bin/serve"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        health = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and serve.poll() is None:
            try:
                health = requests.get(
                    base + "/healthz", headers={"Accept": "application/json"}, timeout=10
                )
                break
            except requests.RequestException:  # not listening yet, or still booting
                time.sleep(0.3)
        assert health is not None, log.read_text()
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok"

        home = requests.get(base + "/", timeout=10)
        assert home.status_code == 200
        assert len(home.headers["X-Request-ID"]) == 32
        assert "Strict-Transport-Security" not in home.headers  # plain HTTP here
        css = requests.get(base + "/static/css/site.css", timeout=10)
        assert css.status_code == 200  # collectstatic's output, through WhiteNoise
        metrics = requests.get(
            base + "/metrics", headers={"Authorization": "Bearer serve-token"}, timeout=10
        )
        assert metrics.status_code == 200
        assert 'view="home"' in metrics.text
        # What the workers' memory caches hold, from their files (summed).
        assert 'mlqa_memory_cache_bytes{cache="mlqa-pages"}' in metrics.text
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
            pytest.fail("bin/serve did not stop on SIGTERM:\n" + log.read_text()[-3000:])

    with pytest.raises(requests.ConnectionError):
        requests.get(base + "/healthz", timeout=2)
    text = log.read_text()
    assert "serve: gunicorn on" in text
    # gunicorn's own lines and the site's are JSON objects, one per line.
    booted = [line for line in text.splitlines() if "Booting worker" in line]
    assert booted, text[-3000:]
    assert json.loads(booted[0])["logger"] == "gunicorn.error"
