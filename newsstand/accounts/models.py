"""The reader's account: an email address is the identity (sign-up, sign-in, reset), unique whatever its case.

Addresses are stored lower-cased (`normalize_email`) and looked up that way; a unique index on LOWER(email) also
keeps two spellings of one address from ever being two accounts when a row is written around the manager.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


def normalize_email(email: str) -> str:
    """The stored form of an address: trimmed and lower-cased (no provider we know treats case as meaningful)."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> User:
        """Sign-in's lookup, whatever the case typed (stored addresses are normalised)."""
        return self.get(email=normalize_email(email))

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        """A reader; `password=None` makes an account that cannot sign in with a password (yet)."""
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not normalize_email(email):
            raise ValueError("An account needs an email address.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractUser):
    username = None  # type: ignore[assignment]  # the email address is the name
    email = models.EmailField("email address", max_length=254, unique=True)
    email_verified_at = models.DateTimeField(
        "email verified", null=True, blank=True, help_text="When the reader proved the address is theirs."
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash (an HMAC of the password hash), made once per password hash and key: every
        signed-in page checks it, and deriving the HMAC's key each time was a few hundredths of a member page."""
        key = (self.password, settings.SECRET_KEY if secret is None else secret)
        made = _SESSION_HASHES.get(key)
        if made is None:
            if len(_SESSION_HASHES) >= SESSION_HASHES_KEPT:
                _SESSION_HASHES.clear()
            made = _SESSION_HASHES[key] = super()._get_session_auth_hash(secret=key[1])
        return made


SESSION_HASHES_KEPT = 4096  # readers' session hashes a process keeps made (emptied when full: one HMAC each again)
_SESSION_HASHES: dict[tuple[str, str], str] = {}


class AppPasswordKind(models.TextChoices):
    APP = "app", "App password"  # a reader app's password (Miniflux, Google Reader, Fever)
    TOKEN = "token", "Personal access token"  # a bearer token for the REST API


class AppPassword(models.Model):
    """A secret a reader gives an app instead of their web password, revocable one by one (accounts.app_passwords).

    Only digests are kept: `digest` (sha256 of the secret) for every API, and for app passwords `fever_key`, the
    md5 of "email:secret" that the Fever protocol sends as its api_key and that cannot be derived from the digest."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="app_passwords")
    label = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=8, choices=AppPasswordKind.choices, default=AppPasswordKind.APP)
    digest = models.CharField(max_length=64, unique=True)
    fever_key = models.CharField(max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "kind"], name="app_password_user_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label or self.pk} of {self.user_id}"
