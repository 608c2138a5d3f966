"""Slow clients do not take the site down, even with gunicorn facing them alone.

gunicorn runs with the shipped configuration (deploy/gunicorn.conf.py) and the
production settings on 127.0.0.1. A dozen "slowloris" clients each open a
connection and send their request head one byte at a time, never finishing
it; meanwhile ``/healthz`` must still answer 200 within 2 s, again and again.
With gunicorn's default ``sync`` workers every worker sits reading one of
those heads and the health check waits for a minute.

The health check needs no tables, so the database is a new, empty SQLite file.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
SLOW_CLIENTS = 12
HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Padding: a\r\n" * 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"))
    }
    return {
        **clean,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "DJANGO_EMAIL_CONSOLE": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }


def trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    """One more byte of the head on every connection, every 0.3 s."""
    sent = 0
    while not stop.is_set() and sent < len(HEAD):
        for sock in sockets:
            with contextlib.suppress(OSError):  # the server gave up on this one: fine
                sock.send(HEAD[sent : sent + 1])
        sent += 1
        stop.wait(0.3)


def test_healthz_answers_while_slow_clients_hold_connections(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    sockets: list[socket.socket] = []
    stop = threading.Event()
    command = [
        sys.executable, "-m", "gunicorn", "mlqa_site.wsgi",
        "--config", str(CONFIG),
        # Two workers (fewer than the slow clients) whatever the machine.
        "--workers", "2",
        "--bind", f"127.0.0.1:{port}",
        "--no-control-socket",  # one per user by default: shared with other servers
    ]  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=production_env(tmp_path),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still booting
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()}")
            time.sleep(0.2)

        for _ in range(SLOW_CLIENTS):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        slowloris = threading.Thread(target=trickle, args=(sockets, stop), daemon=True)
        slowloris.start()
        time.sleep(1.5)  # every slow client has started its head and is being read

        for attempt in range(5):
            started = time.monotonic()
            try:
                response = requests.get(
                    base + "/healthz", headers={"Connection": "close"}, timeout=2
                )
            except requests.Timeout:
                pytest.fail(f"/healthz did not answer within 2 s (attempt {attempt + 1})")
            took = time.monotonic() - started
            assert response.status_code == 200, response.text
            assert took < 2, f"/healthz took {took:.1f} s"
        assert slowloris.is_alive(), "the slow clients finished before the checks"
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
