"""gunicorn settings for xinfang-web.service (docs/deploy.md). Every value can be overridden from
/etc/xinfang/xinfang.env, so an upgrade never overwrites a site's tuning."""

import os

# Only nginx may reach the app: ClientAddressMiddleware trusts the X-Real-IP header nginx sets.
bind = os.environ.get("XF_WEB_BIND", "127.0.0.1:8000")
# The usual 2 × cores + 1 sync workers; CPUs this process may run on, not the host's (containers, cgroups).
# A request is mostly CPU (Python, then PostgreSQL on the same host): threads (gthread) add no capacity under
# the GIL, and more workers only move the queue from the listen backlog to the CPU run queue (on 2 cores, 3
# and 5 sync workers measured the same CPU per registration). The spare ones keep intake answering while a
# few bulletins or exports render (seconds each).
workers = int(os.environ.get("XF_WEB_WORKERS") or 2 * len(os.sched_getaffinity(0)) + 1)
worker_class = os.environ.get("XF_WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("XF_WEB_THREADS", 1))
# Bulletins and exports render PDF and xlsx in the request; nginx waits longer (proxy_read_timeout 130s), so
# a stuck worker is killed and logged here rather than cut off there.
timeout = int(os.environ.get("XF_WEB_TIMEOUT", 120))
graceful_timeout = 30
# Recycles workers now and then, so a slow leak (fonts, PDF rendering) never grows without bound. A new worker
# costs a second or two of CPU (Django, the app, jieba's dictionary): at 100 registrations/s, recycling every
# 1000 requests restarted one of five workers every 10 s or so; now every 50 s.
max_requests = int(os.environ.get("XF_WEB_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = "127.0.0.1,::1"
worker_tmp_dir = "/dev/shm"

errorlog = "-"
if os.environ.get("XF_LOG_FORMAT", "plain").strip().lower() == "json":
    # xinfang.logging.RequestLogMiddleware writes one JSON line per request; gunicorn's own lines match it.
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "xinfang.logging.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }
else:
    accesslog = "-"


def post_worker_init(worker):
    """Load jieba's dictionary before the worker takes requests, not in the first registration it serves
    (about a second: that request, and the queue behind it, would wait). No database here: a worker must
    boot even while PostgreSQL is restarting."""
    try:
        import jieba

        jieba.initialize()
    except Exception:  # the first registration then loads it, as before
        worker.log.exception("jieba dictionary not preloaded")
