"""The settings registry: every environment variable Newsstand reads, declared once.

Each setting has a name, a type, a default and a one-line meaning; `README.md` documents the same list and
`tests/test_conf.py` keeps the two in step. Production mistakes (no SECRET_KEY, ``ALLOWED_HOSTS=*``) are
start-up errors raised here, not comments.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

T = TypeVar("T")


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (1/0, true/false), got {raw!r}")


def _list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _email_address(raw: str) -> str:
    """One plain address (billing@news.example), or nothing."""
    address = raw.strip()
    try:
        if address:
            validate_email(address)
    except ValidationError as exc:
        raise ValueError(f"expected one email address like billing@news.example, got {raw!r}") from exc
    return address


TrustedProxies = int | tuple[IPv4Network | IPv6Network, ...]


def trusted_proxies(raw: str) -> TrustedProxies:
    """NEWSSTAND_TRUSTED_PROXIES: how many proxy hops stand in front of the site, or the proxies' addresses and
    networks; 0 (or nothing): none, X-Forwarded-For is never read."""
    text = raw.strip()
    if not text or text.isdigit():
        return int(text or "0")
    try:
        return tuple(ip_network(item, strict=False) for item in _list(text))
    except ValueError as exc:
        raise ValueError(f"expected a number of proxy hops, or addresses like 10.0.0.1,fd00::/8: {exc}") from exc


@dataclass(frozen=True)
class Setting(Generic[T]):
    name: str
    parse: Callable[[str], T]
    default: str | None
    doc: str

    def get(self) -> T | None:
        raw = os.environ.get(self.name, self.default)
        if raw is None:
            return None
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{self.name}: {exc}") from exc


REGISTRY: list[Setting] = [
    Setting("DEBUG", _bool, "0", "Development mode: detailed errors, generated SECRET_KEY allowed."),
    Setting(
        "SECRET_KEY",
        str,
        None,
        "Django secret key; required when DEBUG is off (one generated under DEBUG=1 is for development only).",
    ),
    Setting("ALLOWED_HOSTS", _list, "127.0.0.1,localhost", "Comma-separated host names this site answers to."),
    Setting("NEWSSTAND_DATA_DIR", str, "./var", "Where the SQLite database, the generated secret key and caches live."),
    Setting(
        "DATABASE_URL", str, None, "Database URL (postgres://…); default: SQLite file in NEWSSTAND_DATA_DIR, WAL on."
    ),
    Setting(
        "NEWSSTAND_CACHE_URL",
        str,
        "disk://",
        "Page, lookup and image cache: disk:// (one per machine, in the data dir; disk:///path elsewhere), "
        "locmem:// (each process its own), redis://host:port/db (shared by all machines), dummy://.",
    ),
    Setting(
        "NEWSSTAND_FETCH_ALLOW_PRIVATE",
        _bool,
        "0",
        "Allow fetching loopback/private/link-local addresses (tests, benchmarks, intranets).",
    ),
    Setting(
        "NEWSSTAND_FETCH_CONCURRENCY", int, "400", "Most feed and page requests in flight at once, per crawler process."
    ),
    Setting("NEWSSTAND_FETCH_PER_HOST", int, "4", "Most requests in flight to one host at once."),
    Setting(
        "NEWSSTAND_FETCH_MAX_BYTES",
        int,
        str(16 * 1024 * 1024),
        "Largest response body accepted, measured after decompression.",
    ),
    Setting(
        "NEWSSTAND_FETCH_TIMEOUT", float, "30", "Total seconds allowed for one request, connect and body included."
    ),
    Setting(
        "NEWSSTAND_IMAGE_PROXY",
        _bool,
        "1",
        "Serve publishers' images through the site's image proxy (signed /img/ addresses, resized, cached); 0: "
        "pages link the publishers' images directly.",
    ),
    Setting("NEWSSTAND_IMAGE_MAX_BYTES", int, str(8 * 1024 * 1024), "Largest image the image proxy fetches, in bytes."),
    Setting("NEWSSTAND_CPU_WORKERS", int, "0", "Processes that parse and extract (0: one per core)."),
    Setting("NEWSSTAND_CRAWL_BATCH", int, "1000", "Feeds a crawler claims at once."),
    Setting(
        "NEWSSTAND_HTTPS",
        _bool,
        "0",
        "Served over HTTPS behind a proxy setting X-Forwarded-Proto: Secure cookies, HSTS, http redirected.",
    ),
    Setting(
        "NEWSSTAND_TRUSTED_PROXIES",
        trusted_proxies,
        "0",
        "Proxies whose X-Forwarded-For is believed (sign-in and sign-up limits): a number of hops, or addresses and "
        "networks, comma-separated; 0: none, the connecting address is the client.",
    ),
    Setting(
        "EMAIL_URL",
        str,
        None,
        "SMTP server for mail: smtp://user:pass@host:25, smtp+tls:// (STARTTLS, 587), smtps:// (TLS, 465); unset: console.",
    ),
    Setting("DEFAULT_FROM_EMAIL", str, "Newsstand <noreply@localhost>", "Sender of the mail Newsstand sends."),
    Setting(
        "NEWSSTAND_BRIEFING_UNSUBSCRIBE_MAILTO",
        _email_address,
        "",
        "An address whose mail unsubscribes its sender from the daily briefing (its List-Unsubscribe mailto); "
        "unset: the https link only.",
    ),
    Setting("NEWSSTAND_LOGIN_ATTEMPTS", int, "5", "Failed sign-ins to one account from one client before a lockout."),
    Setting("NEWSSTAND_LOGIN_LOCKOUT_MINUTES", int, "15", "How long a sign-in lockout lasts."),
    Setting(
        "NEWSSTAND_SIGNUP_LIMIT",
        int,
        "10",
        "Accounts one client address (an IPv6 /64) may sign up per hour; 0: no limit.",
    ),
    Setting(
        "NEWSSTAND_API_RATE_LIMIT",
        int,
        "1200",
        "Requests one credential (or one client address without one) may make to one API per minute; 0: no limit.",
    ),
    Setting(
        "NEWSSTAND_API_AUTH_FAILURES",
        int,
        "20",
        "Answers of 401 one client address (an IPv6 /64) may get from the APIs per minute before a 429; 0: no limit.",
    ),
    Setting(
        "NEWSSTAND_SUBSCRIPTIONS_MAX", int, "1000", "Feeds one reader may subscribe to (and categories they may make)."
    ),
    Setting(
        "NEWSSTAND_PRIVATE_SOURCES_MAX",
        int,
        "50",
        "Of a member's subscriptions, how many may be private sources (feeds the catalogue does not carry).",
    ),
    Setting(
        "NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS",
        int,
        "30",
        "On subscribing, a feed's entries published more than this many days before count as read.",
    ),
    Setting("NEWSSTAND_BILLING", str, "manual", "Billing provider: `manual` (staff grant memberships) or `stripe`."),
    Setting(
        "NEWSSTAND_BILLING_CONTACT",
        _email_address,
        "",
        "Address readers write to for a membership under manual billing (shown as a mailto link).",
    ),
    Setting(
        "NEWSSTAND_SITE_URL",
        str,
        None,
        "The site's public address, for links in mail sent outside a request (default: http://HOST:PORT).",
    ),
    Setting("NEWSSTAND_TRIAL_DAYS", int, "14", "Length of the free trial, from when the address is verified."),
    Setting("NEWSSTAND_TRIAL_REMINDER_DAYS", int, "3", "Days before the trial ends that the reminder email goes."),
    Setting("NEWSSTAND_GRACE_DAYS", int, "7", "Days a member whose payment failed (past_due) keeps reading."),
    Setting("NEWSSTAND_PLAN_MONTHLY_NAME", str, "Monthly", "Display name of the monthly plan."),
    Setting("NEWSSTAND_PLAN_MONTHLY_PRICE", str, "€9.99 a month", "Display price of the monthly plan."),
    Setting("NEWSSTAND_PLAN_ANNUAL_NAME", str, "Annual", "Display name of the annual plan."),
    Setting("NEWSSTAND_PLAN_ANNUAL_PRICE", str, "€99 a year", "Display price of the annual plan."),
    Setting(
        "NEWSSTAND_PAGE_MEMORY_MB",
        int,
        "64",
        "Megabytes of fresh page copies each web process keeps in its own memory besides the shared cache (0: none).",
    ),
    Setting(
        "NEWSSTAND_HISTORY_WRITE_SECONDS",
        float,
        "1",
        "Seconds an article visit waits in its process to be written to history with others (0: at once).",
    ),
    Setting(
        "NEWSSTAND_READ_DWELL_SECONDS", float, "15", "Seconds a member stays on an article for it to count as a read."
    ),
    Setting(
        "NEWSSTAND_BOT_AGENTS",
        _list,
        "bot,crawl,spider,slurp,archiver,facebookexternalhit,embedly,bingpreview,lighthouse,pingdom,"
        "python-requests,python-urllib,python-httpx,curl/,wget/,go-http-client,okhttp,scrapy,phantomjs",
        "Comma-separated User-Agent fragments (any case) of crawlers, whose reads never count.",
    ),
    Setting("NEWSSTAND_REVENUE_POOL_CENTS", int, "0", "Money shared among publishers by reads each month, in cents."),
    Setting("STRIPE_SECRET_KEY", str, None, "Stripe secret API key (`sk_…`); required with NEWSSTAND_BILLING=stripe."),
    Setting(
        "STRIPE_WEBHOOK_SECRET", str, None, "Stripe webhook signing secret (`whsec_…`); required with Stripe billing."
    ),
    Setting("STRIPE_PRICE_MONTHLY", str, None, "Stripe price id (`price_…`) of the monthly plan."),
    Setting("STRIPE_PRICE_ANNUAL", str, None, "Stripe price id (`price_…`) of the annual plan."),
    Setting("STRIPE_API_BASE", str, "https://api.stripe.com", "Base URL of Stripe's API (tests point it at a fake)."),
    Setting(
        "STRIPE_WEBHOOK_TOLERANCE", int, "300", "Seconds a signed webhook may be old (or early) and still be accepted."
    ),
    Setting("HOST", str, "127.0.0.1", "Address `newsstand serve` binds to."),
    Setting("PORT", int, "8000", "Port `newsstand serve` listens on."),
]
_BY_NAME = {setting.name: setting for setting in REGISTRY}


def env(name: str):
    """The parsed value of a registered setting."""
    return _BY_NAME[name].get()


def data_dir() -> Path:
    path = Path(env("NEWSSTAND_DATA_DIR")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(*, debug: bool) -> str:
    """SECRET_KEY from the environment; under DEBUG only, one generated once into the data dir. Without DEBUG that
    file is never read: it was made for development, wherever the data dir has been since."""
    key = env("SECRET_KEY")
    if key:
        return key
    key_file = data_dir() / "secret_key"
    if not debug:
        leftover = (
            f" The key in {key_file} was made for development (DEBUG=1) and is not used." if key_file.exists() else ""
        )
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (e.g. `export SECRET_KEY=$(python3 -c "
            "'import secrets; print(secrets.token_urlsafe(50))')`) and keep it secret, or run with DEBUG=1 for "
            f"development.{leftover}"
        )
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def caches(url: str, data: Path) -> dict[str, dict]:
    """Django's CACHES from NEWSSTAND_CACHE_URL: "default" for small lookups, "pages" for whole anonymous pages
    (newsstand.web.caching), "images" for what the image proxy made (newsstand.images).

    disk:// (the default; disk:///abs/path, or `cache/` in the data dir) is one cache shared by every process of
    one machine, in SQLite files through `diskcache` (chosen over writing our own: process-safe, reads ≈ 20 µs,
    writes ≈ 0.3 ms, expiry and size-bounded eviction done on write, a Django backend included). Shared matters:
    with a cache per process each web worker renders every page once more (bench/RESULTS.md, "Web pages").
    locmem:// keeps a cache in each process; redis:// shares one between every process and machine, so a page
    rendered by one web node serves them all; dummy:// caches nothing."""
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if scheme == "disk":
        where = Path(rest) if rest else data / "cache"
        sizes = (("default", 2**28), ("pages", 2**30), ("images", 2**31))
        return {alias: _disk_cache(where / alias, size) for alias, size in sizes}
    if scheme == "locmem":
        locmem = "django.core.cache.backends.locmem.LocMemCache"
        return {
            "default": {"BACKEND": locmem, "LOCATION": "default"},
            # Pages are 10-60 KB and live a minute: at most a few hundred MB per process.
            "pages": {"BACKEND": locmem, "LOCATION": "pages", "OPTIONS": {"MAX_ENTRIES": 6000}},
            # Images are 5-150 KB: at most some hundred MB per process.
            "images": {"BACKEND": locmem, "LOCATION": "images", "OPTIONS": {"MAX_ENTRIES": 2000}},
        }
    if scheme in {"redis", "rediss", "unix"}:
        redis = "django.core.cache.backends.redis.RedisCache"
        return {
            "default": {"BACKEND": redis, "LOCATION": url, "KEY_PREFIX": "newsstand"},
            "pages": {"BACKEND": redis, "LOCATION": url, "KEY_PREFIX": "newsstand-pages"},
            "images": {"BACKEND": redis, "LOCATION": url, "KEY_PREFIX": "newsstand-images"},
        }
    if scheme == "dummy":
        dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        return {"default": dummy, "pages": dummy, "images": dummy}
    raise ImproperlyConfigured(
        f"NEWSSTAND_CACHE_URL={url!r}: use disk:// (or disk:///path), locmem://, redis://host:port/db (rediss:// "
        "with TLS) or dummy://."
    )


def _disk_cache(location: Path, size_limit: int) -> dict:
    """A diskcache-backed Django cache, 4 SQLite shards so that writers seldom queue on one lock (a read that meets
    a busy shard for 50 ms counts as a miss). Values up to 1 MB stay inside SQLite (one file, no file per
    page); the least recently stored go first when the cache is over `size_limit` bytes."""
    return {
        "BACKEND": "newsstand.core.cache_backends.DiskCache",
        "LOCATION": str(location),
        "TIMEOUT": 300,
        "SHARDS": 4,
        "DATABASE_TIMEOUT": 0.05,
        "OPTIONS": {
            "size_limit": size_limit,
            "disk_min_file_size": 2**20,
            "eviction_policy": "least-recently-stored",
        },
    }


@dataclass(frozen=True)
class Mail:
    """Django's EMAIL_* settings, as read from EMAIL_URL."""

    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0


# scheme: (default port, STARTTLS, implicit TLS)
_MAIL_SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False), "smtps": (465, False, True)}


def email(url: str | None) -> Mail:
    """The mail settings for EMAIL_URL: SMTP with optional credentials (percent-encoded) and `?timeout=SECONDS`,
    or the console backend (development) when unset or `console://`."""
    if not url or url.startswith("console:"):
        return Mail("django.core.mail.backends.console.EmailBackend")
    parts = urlsplit(url)
    if parts.scheme not in _MAIL_SCHEMES:  # the message leaves out the URL: it may hold a password
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {parts.scheme!r}; use smtp://, smtp+tls:// (STARTTLS), smtps:// or console://."
        )
    port, starttls, ssl = _MAIL_SCHEMES[parts.scheme]
    try:
        timeout = float(parse_qs(parts.query).get("timeout", ["30"])[0])
        port = parts.port or port
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL: {exc}") from exc
    return Mail(
        "django.core.mail.backends.smtp.EmailBackend",
        host=parts.hostname or "localhost",
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls=starttls,
        ssl=ssl,
        timeout=timeout,
    )


def allowed_hosts(*, debug: bool) -> list[str]:
    hosts = env("ALLOWED_HOSTS")
    if "*" in hosts and not debug:
        raise ImproperlyConfigured("ALLOWED_HOSTS=* is refused when DEBUG is off: list the host names you serve.")
    return hosts
