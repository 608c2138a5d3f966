"""Slow clients do not take the site down, even with gunicorn facing them alone.

gunicorn runs with the shipped configuration (deploy/gunicorn.conf.py) and the
production settings on 127.0.0.1. A dozen "slowloris" clients each open a
connection and send their request head one byte at a time, never finishing
it; meanwhile ``/healthz`` must still answer 200 within 2 s, again and again.
With gunicorn's default ``sync`` workers every worker sits reading one of
those heads and the health check waits for a minute.

The health check reads no table but the applied migrations: the database is
a new SQLite file, migrated.
"""

import contextlib
import socket
import threading
import time

import pytest
import requests

from tests.redis_server import free_port
from tests.security.servers import gunicorn, manage, production_env

# Independent of the database: CI runs it once, with PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.once

SLOW_CLIENTS = 12
HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Padding: a\r\n" * 40


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
    env = production_env(None)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    manage("migrate", "--noinput", env=env)
    sockets: list[socket.socket] = []
    stop = threading.Event()
    # Two workers (fewer than the slow clients) whatever the machine.
    with gunicorn(env, port, tmp_path / "gunicorn.log", workers=2, deploy_config=True) as base:
        try:
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
