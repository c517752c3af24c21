"""gunicorn settings for a Shuping app server (docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py config.wsgi:application

gthread workers: requests spend most of their time waiting on PostgreSQL, so a few processes with
threads each serve many concurrent voters without a process per connection. Every value can be
overridden from the environment (SHUPING_GUNICORN_*), so one file serves every machine.
"""

import multiprocessing
import os

bind = os.environ.get("SHUPING_GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("SHUPING_GUNICORN_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
threads = int(os.environ.get("SHUPING_GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("SHUPING_GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory held by large exports), staggered so they never restart together.
max_requests = 2000
max_requests_jitter = 200
# Only the proxy on this machine may set X-Forwarded-*; nginx listens in front on 443.
forwarded_allow_ips = os.environ.get("SHUPING_GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: nginx keeps the access log (and none for /v/, BAL-6). Errors go to stderr → journald.
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "shuping"
