"""OpenSENCO settings: one file, read from the environment (see docs/configuration.md)."""

import os
import re
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} in the environment: use true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} in the environment: use a whole number."
        ) from None


def database_from_url(url: str) -> dict:
    """The DATABASES entry for a postgres:// address."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// (it starts with {parts.scheme or 'nothing'}://)."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database: add /NAME at its end.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("DATABASE_URL has a port that is not a number.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": env_int("SENCO_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }


def read_or_create_secret(path: Path) -> str:
    """The secret key kept in var/ for a single server, created (mode 0600) on first start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    try:
        key = path.read_text().strip()
    except OSError as e:
        raise ImproperlyConfigured(
            f"Cannot read the secret key file {path}: {e.strerror}."
        ) from None
    if len(key) < 32:
        raise ImproperlyConfigured(
            f"The secret key in {path} is too short: delete the file to make a new one."
        )
    return key


DATA_DIR = Path(env("SENCO_DATA_DIR", str(BASE_DIR / "var")))
DEBUG = env_bool("SENCO_DEBUG", False)
DATABASE_URL = env("DATABASE_URL")

if DATABASE_URL:
    SECRET_KEY = env("SENCO_SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SENCO_SECRET_KEY must be set in the environment when DATABASE_URL is set "
            "(every server of the installation needs the same key)."
        )
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    SECRET_KEY = env("SENCO_SECRET_KEY") or read_or_create_secret(DATA_DIR / "secret_key")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SENCO_SQLITE_PATH", str(DATA_DIR / "senco.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SENCO_SQLITE_TIMEOUT", 20),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": env("SENCO_SQLITE_TEST_PATH") or None},
        }
    }

SITE_URL = env("SENCO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(
        f"SENCO_SITE_URL={SITE_URL!r}: give the full address, such as https://senco.school.example."
    )
ALLOWED_HOSTS = [_site.hostname, "127.0.0.1", "localhost", *env("SENCO_ALLOWED_HOSTS").split()]
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]
SECURE_SSL = _site.scheme == "https"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "senco.accounts",
    "senco.schools",
    "senco.pupils",
    "senco.assessment",
    "senco.audit",
    "senco.interop",
    "senco.concerns",
    "senco.passports",
    "senco.plans",
    "senco.meetings",
    "senco.provision",
    "senco.ehcp",
    "senco.register",
    "senco.documents",
    "senco.demo",
    "senco.operations",
    "senco.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "senco.middleware.session_expiry",
    "senco.middleware.require_second_step",
    "senco.middleware.current_school",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "senco.urls"
WSGI_APPLICATION = "senco.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "senco" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "senco.context_processors.navigation",
            ],
            "builtins": ["senco.paging"],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

# Sign-in (docs/security-model.md): no self sign-up; accounts come from invitations.
ACCOUNT_ADAPTER = "senco.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "senco.accounts.adapter.SchoolSignInAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Ten failures lock a user name for 15 minutes; an address only for a minute, so that one
# school's shared address is not locked out by one person's mistakes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{env_int('SENCO_SIGNIN_ADDRESS_LIMIT', 60)}/m/ip,"
    f"{env_int('SENCO_SIGNIN_ATTEMPTS', 10)}/15m/key",
    "login": f"{env_int('SENCO_SIGNIN_ADDRESS_LIMIT', 60)}/m/ip",
}
# Behind the TLS proxy every request comes from the proxy: take the client's address from the
# X-Forwarded-For header the proxy sets, or sign-in limits per address would be one for everyone.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("SENCO_TRUSTED_PROXIES", 1 if SECURE_SSL else 0)
SENCO_REAUTHENTICATION_SECONDS = 10 * 60
ACCOUNT_REAUTHENTICATION_TIMEOUT = SENCO_REAUTHENTICATION_SECONDS
ACCOUNT_EMAIL_SUBJECT_PREFIX = "OpenSENCO: "
MFA_ADAPTER = "senco.accounts.adapter.SecondStepAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env("SENCO_TOTP_ISSUER", "OpenSENCO")
MFA_TRUST_ENABLED = True
MFA_TRUST_COOKIE_AGE = 30 * 24 * 3600
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not SECURE_SSL
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SENCO_INVITATION_DAYS = env_int("SENCO_INVITATION_DAYS", 7)

SESSION_COOKIE_AGE = env_int("SENCO_SESSION_MINUTES", 30) * 60
# However active, a sign-in lasts no longer than this.
SENCO_SESSION_MAX_SECONDS = env_int("SENCO_SESSION_MAX_HOURS", 10) * 3600
SESSION_SAVE_EVERY_REQUEST = False  # refreshed at most once a minute by our middleware
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "senco.errors.csrf_failure"
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
MFA_TRUST_COOKIE_SECURE = SECURE_SSL
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "senco" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(env("SENCO_MEDIA_DIR", str(DATA_DIR / "uploads")))
MEDIA_URL = "/uploads/"
WHITENOISE_USE_FINDERS = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# In the database, so that sign-in limits hold across every server and worker process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "senco_cache",
        # Sign-in lockouts and API rate limits live here: the default of 300 entries would let
        # busy API tokens cull the lockout counters.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}

# Without a mail server, messages are written to files in var/mail for the administrator.
EMAIL_HOST = env("SENCO_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_PORT = env_int("SENCO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("SENCO_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("SENCO_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("SENCO_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env("SENCO_EMAIL_FROM", f"OpenSENCO <senco@{_site.hostname}>")

SENCO_PAGE_SIZE = env_int("SENCO_PAGE_SIZE", 50)
# Pounds a pupil a year of additional support: each pupil's costed provision is set against it.
SENCO_ELEMENT2_THRESHOLD = env_int("SENCO_ELEMENT2_THRESHOLD", 6000)
# Cells of a cross-tabulation below this are suppressed for governors and trust leads.
SENCO_SUPPRESS_BELOW = env_int("SENCO_SUPPRESS_BELOW", 5)
# The largest file an import accepts; larger uploads are refused before being read.
SENCO_IMPORT_MAX_MB = env_int("SENCO_IMPORT_MAX_MB", 50)
# The scale a plan's review rates each outcome on, and the weeks to the next review by default.
SENCO_PROGRESS_SCALE = [
    ("not_started", "Not started"),
    ("some", "Some progress"),
    ("good", "Good progress"),
    ("achieved", "Achieved"),
]
SENCO_PLAN_REVIEW_WEEKS = env_int("SENCO_PLAN_REVIEW_WEEKS", 12)
# The reading ease (Flesch, 0 to 100) the parents' version of a plan should reach.
SENCO_PLAIN_ENGLISH_TARGET = env_int("SENCO_PLAIN_ENGLISH_TARGET", 60)
# Reports from outside and evidence attached to a concern (senco/pupils/uploads.py).
SENCO_DOCUMENT_MAX_MB = env_int("SENCO_DOCUMENT_MAX_MB", 20)
SENCO_TERM_DATES = env("SENCO_TERM_DATES", "09-01:12-31,01-01:04-12,04-13:08-31")
SENCO_BACKUP_KEY_FILE = Path(env("SENCO_BACKUP_KEY_FILE", str(DATA_DIR / "backup.key")))

# REST API (docs/api.md): bearer tokens only (no session, so no CSRF to weigh), JSON only, one
# error format, and a rate per token (kept in the database cache, so every server counts alike).
SENCO_API_RATES = {
    "api_burst": env("SENCO_API_BURST", "60/min"),
    "api_sustained": env("SENCO_API_RATE", "600/hour"),
}
for _rate in SENCO_API_RATES.values():
    if not re.fullmatch(r"[1-9]\d*/(sec|second|min|minute|hour|day|s|m|h|d)", _rate):
        raise ImproperlyConfigured(
            f"API rate {_rate!r} in the environment: write a count and a period, such as 60/min."
        )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["senco.api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["senco.api.permissions.MayUseApi"],
    "DEFAULT_THROTTLE_CLASSES": [
        "senco.api.permissions.BurstRate",
        "senco.api.permissions.SustainedRate",
    ],
    "DEFAULT_THROTTLE_RATES": SENCO_API_RATES,
    "DEFAULT_PARSER_CLASSES": ["senco.api.errors.JsonParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "senco.api.errors.handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenSENCO API",
    "DESCRIPTION": "Pupils, SEN status and needs, contacts and assessment results, through a "
    "token bound to one user and one school. Guide: docs/api.md.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "senco.api.schema.closed_request_bodies",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_feed_addresses": {"()": "senco.logfilters.HideFeedAddresses"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_feed_addresses"]}},
    "root": {"handlers": ["console"], "level": env("SENCO_LOG_LEVEL", "WARNING")},
}
