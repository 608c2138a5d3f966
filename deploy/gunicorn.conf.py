"""gunicorn's settings for MLQA in production.

Start it from the project folder with ``gunicorn -c deploy/gunicorn.conf.py
mlqa_site.wsgi``; options on the command line win over the values here.

Meant to run behind the reverse proxy in ``deploy/`` (nginx), which holds slow
clients and buffers whole requests before gunicorn sees them. Without the
proxy, the threaded workers still keep the site and ``/healthz`` answering
while a few clients trickle their requests in byte by byte (slowloris): such a
client ties up one thread of one worker, not a whole worker as with the
``sync`` class. They do not make a direct exposure safe: an attacker with
more slow connections than ``workers x threads`` wins.
"""

import os

# The proxy talks to gunicorn on the loopback; --bind (or a unix socket) to change.
bind = "127.0.0.1:8000"

# Processes use the cores (Python runs one thread at a time in each); threads
# wait for the database, Redis and slow clients. Each thread that has served a
# request keeps a database connection open: PostgreSQL's max_connections must
# exceed workers x threads x machines (plus the commands and the admin).
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)) + 1)
worker_class = "gthread"
threads = 16

# A worker whose main loop is silent this long is restarted. With threads it
# does not bound one request: PostgreSQL's statement timeout bounds the
# queries (MLQA_DB_STATEMENT_TIMEOUT_MS).
timeout = 30
# On a restart (SIGHUP, a deploy), requests in flight get this long to finish.
graceful_timeout = 20
# An idle kept-alive connection waits in the worker's poller, not in a thread;
# the proxy's upstream keepalive_timeout must be shorter than this.
keepalive = 5

# Request heads of a sane size only: the site's longest URL (a search with
# every filter) is well under 1 kB.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# X-Forwarded-* are trusted from the proxy on this machine only (gunicorn's
# default); Django reads the scheme through DJANGO_BEHIND_PROXY=1.
forwarded_allow_ips = "127.0.0.1,::1"

# --- Operations (issue 18) ---------------------------------------------------

# With --access-logfile (nginx keeps the access log otherwise), a line per
# request carries the request id the site gave it.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'

# gunicorn's own lines (starting, a worker restarted) as one JSON object per
# line, like the site's (MLQA_LOG_JSON=0 for readable lines).
if os.environ.get("MLQA_LOG_JSON", "1").strip().lower() not in {"0", "false", "no", "off"}:
    logconfig_dict = {
        "formatters": {
            "generic": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }

# /metrics summed over the workers: each writes its counts into
# PROMETHEUS_MULTIPROC_DIR (set it in the service's environment, to a directory
# of its own, e.g. /run/mlqa/metrics), emptied at each start; a worker that
# exits leaves its counters, which Prometheus expects, and drops its live gauges.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server):
    if _metrics_dir:
        os.makedirs(_metrics_dir, exist_ok=True)
        for name in os.listdir(_metrics_dir):
            if name.endswith(".db"):
                os.remove(os.path.join(_metrics_dir, name))


def child_exit(server, worker):
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
