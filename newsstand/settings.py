"""Django settings: one module, production differs only by environment (see newsstand.conf)."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url

from newsstand import conf

DEBUG: bool = conf.env("DEBUG")
DATA_DIR = conf.data_dir()
SECRET_KEY = conf.secret_key(debug=DEBUG)
ALLOWED_HOSTS = conf.allowed_hosts(debug=DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # the REST API docs' page and its scripts, served from here (api.rest; never a CDN)
    "axes",
    "django_tasks",
    "django_tasks_db",
    "newsstand.core",
    "newsstand.accounts",
    "newsstand.sources",
    "newsstand.articles",
    "newsstand.ingest",
    "newsstand.topics",
    "newsstand.stories",
    "newsstand.search",
    "newsstand.reading",
    "newsstand.editorial",
    "newsstand.membership",
    "newsstand.readership",
    "newsstand.briefing",
    "newsstand.subscriptions",
    "newsstand.images",
    "newsstand.api",
    "newsstand.web",
    "newsstand.cli",  # every `newsstand` command (an interface, as web and api are)
]

MIDDLEWARE = [
    # First: an API address asked for with a doubled leading slash (newsboat's `//v1/...`) is that address.
    "newsstand.api.middleware.DoubledSlashMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above the page cache: pages answered from it get the policy too (see web.csp).
    "newsstand.web.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session middleware: a cached page is served before any session work, and on the way out it sees
    # the cookies set below it (see web.caching).
    "newsstand.web.caching.PageCacheMiddleware",
    # A member's page from its fresh shared copy, in the plain case, before any session work below (web.member_pages).
    "newsstand.web.member_pages.MemberPageShortcut",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Below auth, CSRF and messages: members' pages from one shared copy, their personal parts filled in per
    # request (see web.member_pages).
    "newsstand.web.member_pages.MemberPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in that django-axes refused into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsstand.urls"
WSGI_APPLICATION = "newsstand.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

_database_url = conf.env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'newsstand.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].update(
        # Connections are kept between requests (conn_max_age above) on SQLite too: a new one costs its PRAGMAs and
        # a cold page cache, 1.4 ms on an article page that takes 3.5 ms to make (bench/RESULTS.md, "Web pages").
        # WAL lets the web server read while the crawler writes; IMMEDIATE takes the write lock up front, so
        # concurrent writers queue on busy_timeout instead of failing a lock upgrade mid-transaction.
        OPTIONS={
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
                " PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
            ),
        },
        TEST={"NAME": str(DATA_DIR / "test.sqlite3")},
    )
CACHES = conf.caches(conf.env("NEWSSTAND_CACHE_URL"), DATA_DIR)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "newsstand.membership.backends.MemberBackend",  # the user and their membership in one query
    "django.contrib.auth.backends.ModelBackend",  # for sessions made before; never checks a password twice
]
# Sessions are read on every signed-in request: from the cache, written through to the database (which keeps them
# across a cache that is emptied or evicts).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Hashes made by these still verify, and become Argon2 at the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "/account/sign-in/"
LOGIN_REDIRECT_URL = "/"
# Sign-in attempts (django-axes): NEWSSTAND_LOGIN_ATTEMPTS failures for one address from one client lock that
# pair out for a while, so nobody can lock a reader out from elsewhere; a success clears the count.
AXES_FAILURE_LIMIT: int = conf.env("NEWSSTAND_LOGIN_ATTEMPTS")
AXES_COOLOFF_TIME = timedelta(minutes=conf.env("NEWSSTAND_LOGIN_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in: personal data we have no use for
AXES_CLIENT_IP_CALLABLE = "newsstand.accounts.lockout.client_ip"
# Whose X-Forwarded-For entries name the client (accounts.lockout.client_ip); none unless the operator says.
TRUSTED_PROXIES: conf.TrustedProxies = conf.env("NEWSSTAND_TRUSTED_PROXIES")
AXES_USERNAME_CALLABLE = "newsstand.accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "newsstand.web.views.account.locked_out"
# Sign-ups: at most this many accounts an hour from one client address (accounts.throttle).
SIGNUP_LIMIT: int = conf.env("NEWSSTAND_SIGNUP_LIMIT")
# Every API (newsstand.api.limits): requests per credential and minute, and 401s per client address and minute.
API_RATE_LIMIT: int = conf.env("NEWSSTAND_API_RATE_LIMIT")
API_AUTH_FAILURES: int = conf.env("NEWSSTAND_API_AUTH_FAILURES")
# Reader apps (newsstand.subscriptions): what one reader may subscribe to, and add as private sources.
NEWSSTAND_SUBSCRIPTIONS_MAX: int = conf.env("NEWSSTAND_SUBSCRIPTIONS_MAX")
NEWSSTAND_PRIVATE_SOURCES_MAX: int = conf.env("NEWSSTAND_PRIVATE_SOURCES_MAX")
# A new subscription's backlog: entries published this many days or more before it count as read.
NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS: int = conf.env("NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

HTTPS: bool = conf.env("NEWSSTAND_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # app.js reads the token from the form or the csrf-token meta tag, never the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (overwriting any a client sent).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Mail (verification, password resets, membership): SMTP when EMAIL_URL names a server, else the console.
_mail = conf.email(conf.env("EMAIL_URL"))
EMAIL_BACKEND = _mail.backend
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _mail.host, _mail.port, _mail.user, _mail.password
EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT = _mail.starttls, _mail.ssl, _mail.timeout
DEFAULT_FROM_EMAIL = SERVER_EMAIL = conf.env("DEFAULT_FROM_EMAIL")
# The daily briefing's List-Unsubscribe mailto address, besides its https one (newsstand.briefing); "": none.
BRIEFING_UNSUBSCRIBE_MAILTO: str = conf.env("NEWSSTAND_BRIEFING_UNSUBSCRIBE_MAILTO")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "newsstand": {"handlers": ["console"], "level": "INFO"},
        # Django's own handlers write to the console only under DEBUG (and mail ADMINS, which we do not set):
        # without this, a server error in production would leave no trace. Its traceback goes with it; outside
        # DEBUG only errors, not a line per 404.
        "django": {"handlers": ["console"], "level": "INFO" if DEBUG else "ERROR"},
        # trafilatura warns for every page it cannot extract; the article records that as extraction_error.
        "trafilatura": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "htmldate": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

NEWSSTAND_FETCH_ALLOW_PRIVATE: bool = conf.env("NEWSSTAND_FETCH_ALLOW_PRIVATE")

# The image proxy (newsstand.images): pages give /img/ addresses instead of the publishers' (web.image_urls).
IMAGE_PROXY: bool = conf.env("NEWSSTAND_IMAGE_PROXY")
IMAGE_MAX_BYTES: int = conf.env("NEWSSTAND_IMAGE_MAX_BYTES")

# Membership and billing (newsstand.membership); each variable is documented in newsstand.conf.
BILLING_PROVIDER: str = conf.env("NEWSSTAND_BILLING")
BILLING_CONTACT: str = conf.env("NEWSSTAND_BILLING_CONTACT")
SITE_URL: str = (conf.env("NEWSSTAND_SITE_URL") or f"http://{conf.env('HOST')}:{conf.env('PORT')}").rstrip("/")
MEMBERSHIP_TRIAL_DAYS: int = conf.env("NEWSSTAND_TRIAL_DAYS")
MEMBERSHIP_TRIAL_REMINDER_DAYS: int = conf.env("NEWSSTAND_TRIAL_REMINDER_DAYS")
MEMBERSHIP_GRACE_DAYS: int = conf.env("NEWSSTAND_GRACE_DAYS")
MEMBERSHIP_PLANS = {
    "monthly": {
        "name": conf.env("NEWSSTAND_PLAN_MONTHLY_NAME"),
        "price": conf.env("NEWSSTAND_PLAN_MONTHLY_PRICE"),
        "stripe_price": conf.env("STRIPE_PRICE_MONTHLY"),
    },
    "annual": {
        "name": conf.env("NEWSSTAND_PLAN_ANNUAL_NAME"),
        "price": conf.env("NEWSSTAND_PLAN_ANNUAL_PRICE"),
        "stripe_price": conf.env("STRIPE_PRICE_ANNUAL"),
    },
}
STRIPE_SECRET_KEY: str | None = conf.env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET: str | None = conf.env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE: str = conf.env("STRIPE_API_BASE")
STRIPE_WEBHOOK_TOLERANCE: int = conf.env("STRIPE_WEBHOOK_TOLERANCE")

# Reads for publishers (newsstand.readership).
READ_DWELL_SECONDS: float = conf.env("NEWSSTAND_READ_DWELL_SECONDS")
HISTORY_WRITE_SECONDS: float = conf.env("NEWSSTAND_HISTORY_WRITE_SECONDS")  # reading.visits
PAGE_MEMORY_BYTES: int = conf.env("NEWSSTAND_PAGE_MEMORY_MB") * 2**20  # web.caching.recent
READ_BOT_AGENTS: list[str] = conf.env("NEWSSTAND_BOT_AGENTS")
REVENUE_POOL_CENTS: int = conf.env("NEWSSTAND_REVENUE_POOL_CENTS")
