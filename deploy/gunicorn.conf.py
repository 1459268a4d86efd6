"""gunicorn behind nginx (deploy/nginx.conf.template); every value can be set from the
environment, which is how deploy/stack.py and `make serve` pass theirs.

gthread workers keep the connections from nginx alive (nginx's upstream keepalive); 2 × CPUs
+ 1 processes, threads for the time a request waits on the database. Access logging is
nginx's job (with the cache status); gunicorn logs errors to stderr.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
keepalive = 75  # longer than nginx keeps an idle upstream connection
timeout = 60
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# The socket file of a unix: bind is for nginx alone (same user).
umask = 0o077
wsgi_app = "samenwerking.wsgi"
