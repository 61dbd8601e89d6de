"""Writes for accounts: sign-up, verifying and changing the address, passwords, deleting an account.

Each is a named action with keyword-only arguments. Mail goes through `accounts.mail`; the links in it are built by
the caller (`link` turns a token into an absolute URL), since URLs belong to the interface, not to this app.
Validation failures are `django.core.exceptions.ValidationError` with the message a reader should see. Other apps act
on a verified address through `signals.email_verified` (the membership starts its trial then).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from newsstand.accounts import mail, signals, throttle, tokens
from newsstand.accounts.models import User, normalize_email
from newsstand.accounts.tokens import Purpose

Link = Callable[[str], str]  # token -> absolute URL of the page that takes it
ResetLink = Callable[[str, str], str]  # (uidb64, token) -> absolute URL

MAIL_INTERVAL = 60  # seconds: readers may ask for a link again after this, and not before
SIGN_UP_WINDOW = 3600  # seconds: NEWSSTAND_SIGNUP_LIMIT counts the sign-ups of one client per clock hour
EMAIL_TAKEN = "An account with this email address exists already. Sign in, or reset its password."
WRONG_PASSWORD = "That is not your current password."


def sign_up(*, email: str, password: str, now: datetime, client: str | None = None, verified: bool = False) -> User:
    """A new account, unverified unless an operator vouches for the address (`verified`). The password must pass
    the configured validators (AUTH_PASSWORD_VALIDATORS). With `client` (the address a web sign-up comes from), at
    most NEWSSTAND_SIGNUP_LIMIT accounts an hour are made for it: beyond, throttle.Limited and nothing is made."""
    email = normalize_email(email)
    slot = (
        throttle.slot("sign-up", client, limit=settings.SIGNUP_LIMIT, per=SIGN_UP_WINDOW, now=now)
        if client
        else contextlib.nullcontext()
    )
    with slot:  # a refused sign-up gives its slot back
        validate_password(password, User(email=email))
        if User.objects.filter(email=email).exists():
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        try:
            with transaction.atomic():
                return User.objects.create_user(
                    email, password, date_joined=now, email_verified_at=now if verified else None
                )
        except IntegrityError as exc:  # the same address signed up at the same moment
            raise ValidationError(EMAIL_TAKEN, code="email_taken") from exc


def send_verification(user: User, *, link: Link, now: datetime) -> None:
    """Mail the account's address a link that verifies it. Raises mail.MailNotSent, or mail.TooSoon when one went
    less than MAIL_INTERVAL ago."""
    token = tokens.make(user, email=user.email, purpose=Purpose.VERIFY, now=now)
    context = {"email": user.email, "link": link(token), "days": tokens.MAX_AGE.days}
    mail.send("verify", to=user.email, context=context, once_per=MAIL_INTERVAL)


def verify_email(token: str, *, now: datetime) -> User:
    """Mark the address as the reader's. Raises tokens.TokenError (forged, expired, spent)."""
    user, _ = token_holder(token, purpose=Purpose.VERIFY, now=now)
    user.email_verified_at = now
    with transaction.atomic():
        user.save(update_fields=["email_verified_at"])
        signals.email_verified.send(User, user=user, now=now)
    return user


def request_email_change(user: User, *, new_email: str, password: str, link: Link, now: datetime) -> None:
    """Mail the new address a link that makes it the account's; nothing changes until it is followed. Asks for the
    password, so that a session left open is not enough to take the account over. Raises mail.MailNotSent."""
    if not user.check_password(password):
        raise ValidationError(WRONG_PASSWORD, code="wrong_password")
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise ValidationError("That is the address the account has already.", code="same_email")
    if User.objects.filter(email=new_email).exists():
        raise ValidationError(EMAIL_TAKEN, code="email_taken")
    token = tokens.make(user, email=new_email, purpose=Purpose.CHANGE, now=now)
    context = {"email": new_email, "old_email": user.email, "link": link(token), "days": tokens.MAX_AGE.days}
    mail.send("change", to=new_email, context=context, once_per=MAIL_INTERVAL)


def confirm_email_change(token: str, *, now: datetime) -> User:
    """Make the address the token proves the account's (verified, since the reader read the mail), and tell the old
    address. Raises tokens.TokenError, or ValidationError when another account took the address meanwhile."""
    user, claim = token_holder(token, purpose=Purpose.CHANGE, now=now)
    old_email = user.email
    user.email, user.email_verified_at = claim.email, now
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
            signals.email_verified.send(User, user=user, now=now)
    except IntegrityError as exc:
        raise ValidationError(EMAIL_TAKEN, code="email_taken") from exc
    with contextlib.suppress(mail.MailNotSent):  # a courtesy notice: the change stands without it
        mail.send("changed", to=old_email, context={"email": user.email, "old_email": old_email})
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Replace the password (the caller keeps the session signed in with update_session_auth_hash)."""
    if not user.check_password(current):
        raise ValidationError(WRONG_PASSWORD, code="wrong_password")
    validate_password(new, user)
    user.set_password(new)
    user.save(update_fields=["password"])


def send_password_reset(*, email: str, link: ResetLink) -> bool:
    """Mail a reset link (Django's token: it works once, for PASSWORD_RESET_TIMEOUT) if an active account has the
    address, and none went to it in the last MAIL_INTERVAL. Returns whether an account has the address; the page
    must not say, or it would tell anyone who has an account."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {"email": user.email, "link": link(uid, default_token_generator.make_token(user)), "days": days}
    with contextlib.suppress(mail.TooSoon):  # the link sent a moment ago is in the mailbox already
        mail.send("reset", to=user.email, context=context, once_per=MAIL_INTERVAL)
    return True


def delete_account(user: User, *, password: str) -> None:
    """Delete the account and the personal data kept with it: the user row, everything that cascades from it
    (saves, history, follows, mutes, "more/fewer like this", membership) and the sign-in attempts recorded against
    the address."""
    if not user.check_password(password):
        raise ValidationError(WRONG_PASSWORD, code="wrong_password")
    with transaction.atomic():
        forget_failed_sign_ins(email=user.email)
        user.delete()


def forget_failed_sign_ins(*, email: str) -> None:
    """Clear django-axes' record of failed sign-ins to the address (after a reset, or with the account)."""
    AccessAttempt.objects.filter(username=email).delete()
    AccessFailureLog.objects.filter(username=email).delete()


def token_holder(token: str, *, purpose: Purpose, now: datetime) -> tuple[User, tokens.Claim]:
    """The account an email token names and its claim, if the token is genuine, current and not spent.
    Raises tokens.TokenError saying which it is not."""
    claim = tokens.read(token, purpose=purpose, now=now)
    user = User.objects.filter(pk=claim.user_id, is_active=True).first()
    if user is None:
        raise tokens.Forged()
    if claim.state != tokens.fingerprint(user):
        raise tokens.Spent()
    return user, claim
