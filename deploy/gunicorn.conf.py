"""gunicorn settings for xinfang-web.service (docs/deploy.md). Every value can be overridden from
/etc/xinfang/xinfang.env, so an upgrade never overwrites a site's tuning."""

import os

# Only nginx may reach the app: ClientAddressMiddleware trusts the X-Real-IP header nginx sets.
bind = os.environ.get("XF_WEB_BIND", "127.0.0.1:8000")
# The usual 2 × cores + 1 sync workers; CPUs this process may run on, not the host's (containers, cgroups).
workers = int(os.environ.get("XF_WEB_WORKERS") or 2 * len(os.sched_getaffinity(0)) + 1)
# Bulletins and exports render PDF and xlsx in the request; nginx waits longer (proxy_read_timeout 130s), so
# a stuck worker is killed and logged here rather than cut off there.
timeout = int(os.environ.get("XF_WEB_TIMEOUT", 120))
graceful_timeout = 30
# Recycles workers now and then, so a slow leak (fonts, PDF rendering) never grows without bound.
max_requests = 1000
max_requests_jitter = 100
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
