"""One settings module, configured by environment variables (XF_*)."""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("XF_DATA_DIR", REPO_DIR / "var"))
# The SQLite database, the huey queue, the file cache and uploads all live here, whichever database is used.
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = env_bool("XF_DEBUG", False)
# XF_SECURE=1 declares a production site behind TLS (nginx): it turns on the settings at the end of this file.
XF_SECURE = env_bool("XF_SECURE", False)


def local_secret_key(path: Path) -> str:
    """A random key made once per data folder and kept there (owner-only), so `make run` signs sessions with
    a key nobody else knows and restarts keep everyone logged in. Made in a temporary file and linked into
    place: of two processes starting together (gunicorn workers, test workers) one wins, both read its key."""
    if not path.exists():
        import secrets
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(50))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = os.environ.get("XF_SECRET_KEY", "")
if not SECRET_KEY:
    if XF_SECURE:
        raise ImproperlyConfigured("XF_SECURE=1 需要设置 XF_SECRET_KEY（生产环境不能使用开发密钥）。")
    SECRET_KEY = local_secret_key(DATA_DIR / "secret-key")


def local_field_keys(path: Path) -> dict:
    """The field encryption key and the lookup digest key, made once per data folder (owner-only, 0600) when
    no XF_FIELD_KEYS are set: outside the database, so a copy of the database alone reads nothing. Made like
    the secret key: a temporary file linked into place, so concurrent first starts agree."""
    if not path.exists():
        import base64
        import secrets
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".field-keys-")  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                json.dump(
                    {
                        "keys": [base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()],
                        "digest_key": secrets.token_urlsafe(32),
                    },
                    handle,
                )
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return json.loads(path.read_text(encoding="ascii"))


# Field encryption (xinfang.fieldcrypt, docs/security.md "Data at rest"): Fernet keys, newest first (the first
# encrypts, all decrypt; `xinfang rotate-keys` moves every value to the first), and the HMAC key of the lookup
# digests. From the environment, or from var/field-keys (XF_FIELD_KEY_FILE).
FIELD_KEYS = env_list("XF_FIELD_KEYS")
FIELD_DIGEST_KEY = os.environ.get("XF_FIELD_DIGEST_KEY", "")


def _is_fernet_key(key: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (ValueError, binascii.Error):
        return False


if not all(_is_fernet_key(key) for key in FIELD_KEYS):
    raise ImproperlyConfigured(
        "XF_FIELD_KEYS 中有格式不正确的密钥：每个应为32字节随机数的URL安全Base64编码。"
    )
if FIELD_KEYS and not FIELD_DIGEST_KEY:
    raise ImproperlyConfigured("设置了 XF_FIELD_KEYS 时也要设置 XF_FIELD_DIGEST_KEY（查询摘要密钥）。")
if not FIELD_KEYS:
    _field_keys = local_field_keys(Path(os.environ.get("XF_FIELD_KEY_FILE", DATA_DIR / "field-keys")))
    FIELD_KEYS = list(_field_keys["keys"])
    FIELD_DIGEST_KEY = FIELD_DIGEST_KEY or _field_keys["digest_key"]

# The key of the audit chain's HMAC links (audit.chain): outside the database, so whoever can write the
# audit table without it cannot recompute a valid chain. From the environment, or made once into
# var/audit-key (0600, XF_AUDIT_KEY_FILE). Keep a copy with the backups' keys: without it `audit verify`
# cannot check the keyed rows.
XF_AUDIT_KEY = os.environ.get("XF_AUDIT_KEY", "") or local_secret_key(
    Path(os.environ.get("XF_AUDIT_KEY_FILE", DATA_DIR / "audit-key"))
)

ALLOWED_HOSTS = env_list("XF_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("XF_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "simpleui",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "huey.contrib.djhuey",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "xinfang.orgs",
    "xinfang.audit",
    "xinfang.accounts",
    "xinfang.petitions",
    "xinfang.deadlines",
    "xinfang.workflow",
    "xinfang.evaluation",
    "xinfang.documents",
    "xinfang.notifications",
    "xinfang.supervision",
    "xinfang.assistance",
    "xinfang.disputes",
    "xinfang.campaigns",
    "xinfang.meetings",
    "xinfang.leaders",
    "xinfang.assist",
    "xinfang.workbench",
    "xinfang.api",
    "xinfang.portal",
    "xinfang.demo",
    "xinfang.stats",
    "xinfang.exchange",
    "xinfang.federation",
    "xinfang.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xinfang.accounts.sessions.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xinfang.accounts.second_factor.SecondFactorMiddleware",
    # Not Django's XFrameOptionsMiddleware: simpleui's ready() deletes that one from MIDDLEWARE (see security.py).
    "xinfang.security.FrameOptionsMiddleware",
    "xinfang.security.HeadersMiddleware",
    "xinfang.views.DatabaseBusyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "xinfang.urls"
WSGI_APPLICATION = "xinfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, PostgreSQL through XF_DATABASE_URL -------------------------------
DATABASE_URL = os.environ.get("XF_DATABASE_URL", "")
if DATABASE_URL:
    # Health checks: a connection kept across requests is re-tested, so a PostgreSQL restart costs no 500s.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("XF_SQLITE_PATH", str(DATA_DIR / "xinfang.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent intake queues instead of failing
                # with "database is locked" half way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA busy_timeout=30000;"
                ),
            },
            # A file, not memory: concurrency tests and the browser tests' live server need real connections.
            # One file per test process, so concurrent test runs never share a database.
            "TEST": {
                "NAME": os.environ.get(
                    "XF_SQLITE_TEST_PATH", str(DATA_DIR / f"test-xinfang-{os.getpid()}.sqlite3")
                )
            },
        }
    }
# A streaming replica for the reads marked `reads_from_replica()` (statistics, bulletins, exports; xinfang.replica,
# docs/deploy.md "Read replica"); the primary when it is down or lags more than XF_REPLICA_MAX_LAG_SECONDS.
REPLICA_URL = os.environ.get("XF_REPLICA_URL", "")
XF_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("XF_REPLICA_MAX_LAG_SECONDS", 30))
XF_REPLICA_CHECK_SECONDS = float(os.environ.get("XF_REPLICA_CHECK_SECONDS", 10))
if REPLICA_URL:
    if not DATABASE_URL:
        raise ImproperlyConfigured("XF_REPLICA_URL 只能与 PostgreSQL 主库（XF_DATABASE_URL）一起使用。")
    DATABASES["replica"] = dj_database_url.parse(REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("XF_REPLICA_URL 须为 PostgreSQL 流复制备库的地址（postgres://…）。")
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 3, **DATABASES["replica"].get("OPTIONS", {})}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests have no replica of their database
    DATABASE_ROUTERS = ["xinfang.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

# --- Identity and authentication (docs/security.md "身份鉴别") ---------------------------------------------
# Every password check passes the login throttle: per account and per client address, counted under a row lock.
AUTHENTICATION_BACKENDS = ["xinfang.accounts.backends.ThrottledModelBackend"]
XF_LOGIN_MAX_FAILURES = int(os.environ.get("XF_LOGIN_MAX_FAILURES", 5))
# An office behind one NAT address shares this allowance, hence larger than the account's.
XF_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("XF_LOGIN_MAX_FAILURES_PER_ADDRESS", 20))
XF_LOGIN_LOCK_MINUTES = int(os.environ.get("XF_LOGIN_LOCK_MINUTES", 15))
XF_LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("XF_LOGIN_FAILURE_WINDOW_MINUTES", 15))
# A staff session ends after this long without a request, and in any case this long after the login.
XF_SESSION_IDLE_MINUTES = int(os.environ.get("XF_SESSION_IDLE_MINUTES", 30))
XF_SESSION_ABSOLUTE_MINUTES = int(os.environ.get("XF_SESSION_ABSOLUTE_MINUTES", 12 * 60))
SESSION_COOKIE_AGE = XF_SESSION_IDLE_MINUTES * 60
# The second factor (TOTP) for the roles that must have one (accounts.second_factor); 0 turns the gate off,
# for a demo or a test run only, never in production.
XF_2FA_ENFORCED = env_bool("XF_2FA_ENFORCED", True)
OTP_TOTP_ISSUER = "信访业务系统"
# Unmasking a protected identity, exports that carry identities and user administration ask for the password
# (plus the TOTP code when the user has a device) again when the last check is older than this.
XF_REAUTH_MINUTES = int(os.environ.get("XF_REAUTH_MINUTES", 5))
XF_PASSWORD_MIN_LENGTH = int(os.environ.get("XF_PASSWORD_MIN_LENGTH", 10))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"xinfang.accounts.passwords.{name}"}
    for name in [
        "LengthValidator",
        "CharacterClassValidator",
        "PersonalSimilarityValidator",
        "CommonPasswordValidator",
        "NumericValidator",
    ]
]
LOGIN_URL = "login"
# The CSRF refusal in the reader's language and the page's look (portal or workbench), not Django's English.
CSRF_FAILURE_VIEW = "xinfang.views.csrf_failure"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("XF_STATIC_ROOT", DATA_DIR / "static"))
NODE_MODULES = Path(os.environ.get("XF_NODE_MODULES", REPO_DIR / "node_modules"))
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES / path)
    for name, path in {
        "bootstrap": "bootstrap/dist",
        "echarts": "echarts/dist",
        "axe-core": "axe-core",
    }.items()
    if (NODE_MODULES / path).is_dir()
]
# The project's own assets (xinfang/app.css, app.js): the `xinfang` package is not an app, so no finder sees it.
STATICFILES_DIRS.append(BASE_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "XF_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("XF_MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"

# Attachments are checked by content, not by name (process.md: oversized or disguised files are refused).
# The largest single assistance grant (yuan) the system accepts; above it the amount is taken for a typing error.
XF_ASSISTANCE_MAX_AMOUNT = int(os.environ.get("XF_ASSISTANCE_MAX_AMOUNT", 1_000_000))
# Surges (hotspots): a category × township cell warns when its count in the week or month reaches
# XF_SURGE_MIN_COUNT and XF_SURGE_RATIO times the baseline (the mean of the XF_SURGE_BASELINE_PERIODS before).
XF_SURGE_MIN_COUNT = int(os.environ.get("XF_SURGE_MIN_COUNT", 5))
XF_SURGE_RATIO = float(os.environ.get("XF_SURGE_RATIO", 2.0))
XF_SURGE_BASELINE_PERIODS = int(os.environ.get("XF_SURGE_BASELINE_PERIODS", 4))
# The fewest joint meetings a month (seed 000: the county at least once, a township at least three times).
XF_MEETINGS_PER_MONTH = {
    "county": int(os.environ.get("XF_MEETINGS_PER_MONTH_COUNTY", 1)),
    "township": int(os.environ.get("XF_MEETINGS_PER_MONTH_TOWNSHIP", 3)),
}
XF_ATTACHMENT_MAX_BYTES = int(os.environ.get("XF_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- Audit trail (docs/security.md "安全审计") --------------------------------------------------------------
# How long events are kept at least. The Cybersecurity Law (art. 21) and 等保 level 3 ask for six months; no
# command of xinfang deletes an event at all, and nothing may ever be set to delete younger ones.
XF_AUDIT_RETENTION_MIN_DAYS = 180
try:
    XF_AUDIT_RETENTION_DAYS = int(os.environ.get("XF_AUDIT_RETENTION_DAYS", XF_AUDIT_RETENTION_MIN_DAYS))
except ValueError:
    raise ImproperlyConfigured("XF_AUDIT_RETENTION_DAYS 须为天数（整数）。") from None
if XF_AUDIT_RETENTION_DAYS < XF_AUDIT_RETENTION_MIN_DAYS:
    raise ImproperlyConfigured(
        f"XF_AUDIT_RETENTION_DAYS={XF_AUDIT_RETENTION_DAYS} 过短：操作留痕至少保存 {XF_AUDIT_RETENTION_MIN_DAYS} 天"
        "（六个月，《网络安全法》第二十一条、等保三级）。"
    )

# --- API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's token check, with the user's unit and region in the same query (api/authentication.py).
        "xinfang.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, the JSON one with a nesting limit (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "xinfang.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "xinfang.api.problems.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "xinfang API",
    "DESCRIPTION": "信访业务系统接口 (petition case management API), version 1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, not a CDN: the app runs offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Level is the choice set of several fields (visit_level, source_level, a region's level): one name.
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "xinfang.orgs.models.Level",
        "UserRoleEnum": "xinfang.orgs.models.Role",
        "PartyRoleEnum": "xinfang.petitions.models.PartyRole",
        "GrantStatusEnum": "xinfang.assistance.models.GrantStatus",
        "DisputeKindEnum": "xinfang.disputes.models.DisputeKind",
        "MediationKindEnum": "xinfang.disputes.models.MediationKind",
        "HandlingLevelEnum": "xinfang.disputes.models.HandlingLevel",
        "DisputeStatusEnum": "xinfang.disputes.models.DisputeStatus",
        "DisputeOutcomeEnum": "xinfang.disputes.models.Outcome",
        "CampaignStatusEnum": "xinfang.campaigns.models.CampaignStatus",
        "ScreeningEnum": "xinfang.campaigns.models.Screening",
        "MeetingLevelEnum": "xinfang.meetings.models.MeetingLevel",
        "MeetingKindEnum": "xinfang.meetings.models.MeetingKind",
        "ItemStatusEnum": "xinfang.meetings.models.ItemStatus",
        "EscalationTargetEnum": "xinfang.meetings.models.EscalationTarget",
        "StatusEnum": "xinfang.petitions.models.Status",  # the name it had before other apps had a status
        "ReceptionKindEnum": "xinfang.leaders.models.ReceptionKind",
        "LeaderLevelEnum": "xinfang.leaders.models.LEADER_LEVELS",
        "ReceptionSessionStatusEnum": "xinfang.leaders.models.SessionStatus",
        "OwnershipStatusEnum": "xinfang.leaders.models.OwnershipStatus",
        "SubmissionStatusEnum": "xinfang.leaders.models.SubmissionStatus",
        "AppointmentStatusEnum": "xinfang.leaders.models.AppointmentStatus",
        "AppointmentChannelEnum": "xinfang.leaders.models.AppointmentChannel",
        "ChannelEnum": "xinfang.petitions.models.Channel",  # the petition channel, beside the appointment one
    },
}

# --- Bulletins to leaders (stats.delivery): when the daily bulletin goes out (Shanghai time, working days),
# who gets it when a bureau has chosen nobody in the admin, and whether it is also e-mailed.
XF_DAILY_BULLETIN_AT = os.environ.get("XF_DAILY_BULLETIN_AT", "16:30")
XF_BULLETIN_RECIPIENT_ROLES = env_list("XF_BULLETIN_RECIPIENT_ROLES", "party_leader")
XF_BULLETIN_EMAIL = env_bool("XF_BULLETIN_EMAIL", True)

# --- Federation (docs/federation.md): delivery to peer instances ----------------------------------------
FEDERATION_MAX_ATTEMPTS = int(os.environ.get("XF_FEDERATION_MAX_ATTEMPTS", "12"))  # then dead-lettered
FEDERATION_BACKOFF_SECONDS = int(os.environ.get("XF_FEDERATION_BACKOFF_SECONDS", "30"))  # doubled per attempt
FEDERATION_TIMEOUT_SECONDS = int(os.environ.get("XF_FEDERATION_TIMEOUT_SECONDS", "20"))
FEDERATION_MAX_SKEW_SECONDS = int(os.environ.get("XF_FEDERATION_MAX_SKEW_SECONDS", "300"))

# --- Intake assistance (docs/assist.md): the related panel's weeks; labelled petitions a model needs
XF_ASSIST_RECENT_WEEKS = int(os.environ.get("XF_ASSIST_RECENT_WEEKS", "8"))
XF_SUGGEST_MIN_LABELLED = int(os.environ.get("XF_SUGGEST_MIN_LABELLED", "200"))

# --- Background jobs: huey on SQLite by default, Redis when XF_REDIS_URL is set ---------------------------
REDIS_URL = os.environ.get("XF_REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("XF_HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "xinfang", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "xinfang",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

# The cache holds rate limits and lockouts, so it must be shared by every web process: Redis in production,
# a file cache on one machine otherwise.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
        }
    }

EMAIL_BACKEND = os.environ.get("XF_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("XF_DEFAULT_FROM_EMAIL", "xinfang@localhost")
XF_SMS_BACKEND = os.environ.get("XF_SMS_BACKEND", "xinfang.notifications.sms.LoggingSmsBackend")
# API tokens expire this many days after they are issued (a login rotates the login token).
XF_API_TOKEN_DAYS = int(os.environ.get("XF_API_TOKEN_DAYS", "30"))

# --- Production (docs/deploy.md): everything below follows XF_SECURE; the defaults suit plain-HTTP localhost ----
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("XF_SECURE_COOKIES", XF_SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("XF_SSL_REDIRECT", XF_SECURE)
# Monitors probe gunicorn directly over plain HTTP on 127.0.0.1.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("XF_HSTS_SECONDS", 365 * 24 * 3600 if XF_SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("XF_HSTS_INCLUDE_SUBDOMAINS", XF_SECURE)
SECURE_HSTS_PRELOAD = env_bool("XF_HSTS_PRELOAD", XF_SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django cannot see the replacement frame-options middleware above, only that its own is missing.
SILENCED_SYSTEM_CHECKS = ["security.W002"]
# Behind nginx, which always overwrites X-Forwarded-Proto and X-Real-IP, and with gunicorn listening on
# 127.0.0.1 only, those headers can be trusted: is_secure() and the client's address (audit, rate limits).
XF_BEHIND_PROXY = env_bool("XF_BEHIND_PROXY", XF_SECURE)
if XF_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    MIDDLEWARE.insert(0, "xinfang.security.ClientAddressMiddleware")

# XF_LOG_FORMAT=json: one JSON object per line (journald, log shippers), with one line per request.
XF_LOG_FORMAT = os.environ.get("XF_LOG_FORMAT", "plain").strip().lower()
if XF_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("XF_LOG_FORMAT 只能是 plain 或 json。")
if env_bool("XF_LOG_REQUESTS", XF_LOG_FORMAT == "json"):
    MIDDLEWARE.insert(0, "xinfang.logging.RequestLogMiddleware")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "xinfang.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": XF_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("XF_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
if XF_LOG_FORMAT == "json":
    # The huey consumer adds its own plain handler unless its logger already has one.
    LOGGING["loggers"]["huey"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
