"""livespot settings: every environment variable is parsed here and nowhere else.

`.env.example` documents each variable and its default. Secrets come only from the
environment and are listed in SECRET_SETTING_NAMES so the redactor can keep their
values out of every row, JSONL line, log line and console line.
"""
from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.str(name, default=default).strip().upper()
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}: must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _int_range(name: str, default: int, low: int, high: int) -> int:
    try:
        value = env.int(name, default=default)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: must be an integer in {low}..{high}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name}: must be an integer in {low}..{high} (got {value})")
    return value


# --- trading mode and venue ---------------------------------------------------------
MODE = _choice("MODE", "PAPER", ("PAPER", "TESTNET", "LIVE"))
EXCHANGE = _choice("EXCHANGE", "SIM", ("SIM", "BINANCE")).lower()
LIVE_CONFIRM = env.str("LIVESPOT_LIVE_CONFIRM", default="")
# EXCHANGE=sim: empty = an in-process simulator; else the URL of one another process serves.
SIM_URL = env.str("LIVESPOT_SIM_URL", default="")
AI_DEC = _int_range("AI_DEC", 0, 0, 2)

# --- secrets (environment only; redacted everywhere) ----------------------------------
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="livespot-insecure-development-key-change-me")
BINANCE_API_KEY = env.str("BINANCE_API_KEY", default="")
BINANCE_API_SECRET = env.str("BINANCE_API_SECRET", default="")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")

# --- paths ------------------------------------------------------------------------------
VAR_DIR = Path(env.str("LIVESPOT_VAR_DIR", default=str(BASE_DIR / "var")))
AUDIT_DIR = Path(env.str("LIVESPOT_AUDIT_DIR", default=str(VAR_DIR / "audit")))
LOCK_DIR = Path(env.str("LIVESPOT_LOCK_DIR", default=str(VAR_DIR / "locks")))
# The kill-switch file the trader checks every tick (trading/control/kill_switch.py).
KILL_SWITCH_FILE = Path(env.str("LIVESPOT_KILL_SWITCH_FILE", default=str(VAR_DIR / "KILL_SWITCH")))
TRADING_CONFIG = Path(env.str("LIVESPOT_TRADING_CONFIG", default=str(BASE_DIR / "config" / "trading.toml")))

# --- audit writer -------------------------------------------------------------------------
AUDIT_QUEUE_MAX = _int_range("AUDIT_QUEUE_MAX", 100_000, 100, 10_000_000)
AUDIT_BATCH_MAX = _int_range("AUDIT_BATCH_MAX", 1_000, 1, 100_000)
AUDIT_FLUSH_INTERVAL_MS = _int_range("AUDIT_FLUSH_INTERVAL_MS", 50, 1, 10_000)
AUDIT_HIGH_PCT = _int_range("AUDIT_HIGH_PCT", 70, 1, 99)

# --- web panel -----------------------------------------------------------------------------
WEBUI_BIND = env.str("WEBUI_BIND", default="127.0.0.1")
WEBUI_PORT = _int_range("WEBUI_PORT", 8787, 1, 65535)
# SSE keep-alive period (000: 15000 ms); settable so tests need not wait 15 s.
WEBUI_SSE_PING_MS = _int_range("WEBUI_SSE_PING_MS", 15_000, 100, 300_000)
# Channel layer: in-memory (one process) by default; Redis when REDIS_URL is set, so another
# process (the trader) can push alerts to every open panel stream.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # redis-py 8 defaults socket_timeout to 5 s, which aborts channels_redis's blocking BZPOPMIN
    # (its own timeout is 5 s) and kills every idle consumer (channels_redis#422): a read timeout
    # above the pop's keeps idle streams alive and still notices a dead Redis.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                  "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 2000,
                                                        "socket_timeout": 15}]}}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery: the periodic jobs (reconcile, TopN, daily report; livespot_site/celery.py) ---------
# Empty broker (and empty REDIS_URL) = no broker: the trader runs the same jobs in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
JOBS_IN_PROCESS = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True  # jobs write their results to the database
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep the redacting log formatter
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Django --------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "daphne",  # first: `runserver` then serves the ASGI app (SSE, websocket) like daphne does
    "livespot_site.apps.LivespotAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "audit",
    "trading",
    "aigate",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "livespot_site.middleware.LiveReadOnlyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "livespot_site.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "livespot_site.asgi.application"

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

# --- database: SQLite (WAL) by default, any Django database by DATABASE_URL -----------
SQLITE_BUSY_TIMEOUT_MS = _int_range("SQLITE_BUSY_TIMEOUT_MS", 5_000, 0, 600_000)
try:
    _db = env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'livespot.sqlite3'}")
except Exception as exc:  # django-environ raises assorted errors on a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL: not a valid database URL ({type(exc).__name__})") from None
_SUPPORTED_ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgres"}
if _db.get("ENGINE") not in _SUPPORTED_ENGINES:
    raise ImproperlyConfigured("DATABASE_URL: unsupported database (use sqlite:///PATH or postgres://...)")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] and _db["NAME"] != ":memory:":
        # A fresh checkout has no var/ yet; SQLite cannot create the folder itself.
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db.setdefault("OPTIONS", {}).update(
        {
            # Applied on every new connection, in every thread and process.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS};"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        }
    )
    # Tests use a file (not :memory:) so that writer threads and subprocesses share it.
    _db["TEST"] = {"NAME": env.str("LIVESPOT_TEST_DB", default=str(VAR_DIR / "test-livespot.sqlite3"))}
else:
    from urllib.parse import unquote

    # postgres://user@%2Frun%2Fpostgresql/db names a unix-socket folder; psycopg wants it decoded.
    _db["HOST"] = unquote(str(_db.get("HOST") or ""))
    _db["CONN_HEALTH_CHECKS"] = True  # a restarted server must not break a long-lived trader
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECRET_SETTING_NAMES = ("SECRET_KEY", "BINANCE_API_KEY", "BINANCE_API_SECRET", "OPENAI_API_KEY")
# Credentials embedded in connection URLs are secrets too.
def _url_password(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


EXTRA_SECRET_VALUES = tuple(v for v in (_db.get("PASSWORD", ""), _url_password(REDIS_URL),
                                         _url_password(CELERY_BROKER_URL)) if v)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Under daphne, livespot_site.asgi serves STATIC_URL from the finders (ASGIStaticFilesHandler).
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"

LOG_LEVEL = _choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "redacting": {
            "()": "audit.redaction.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "redacting"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # HTTP client libraries log full request URLs (signed Binance queries, OpenAI endpoints)
    # below WARNING: keep them quiet whatever LOG_LEVEL says.
    "loggers": {name: {"level": "WARNING"} for name in ("urllib3", "httpx2", "httpcore2", "openai", "websockets")},
}
