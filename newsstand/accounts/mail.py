"""Account mail: a subject and a plain-text body per message, both templates (accounts/mail/NAME_subject.txt and
NAME.txt), sent through whichever Django email backend the settings name (console, SMTP)."""

from __future__ import annotations

import logging
import smtplib

from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server refused the message or could not be reached; the reader can ask again later."""


class TooSoon(Exception):
    """The same message went to the same address moments ago: asking again sends nothing (no mail bombing)."""


def send(name: str, *, to: str, context: dict[str, object], once_per: int | None = None) -> None:
    """Send message `name`; with `once_per` (seconds), at most once in that time to one address (the shared cache
    keeps the count, so every web process agrees when it is Redis)."""
    key = f"newsstand:mail:{name}:{to}"
    if once_per and not cache.add(key, 1, timeout=once_per):
        raise TooSoon()
    subject = " ".join(render_to_string(f"accounts/mail/{name}_subject.txt", context).split())
    body = render_to_string(f"accounts/mail/{name}.txt", context)
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("mail %s not sent: %s", name, exc)
        cache.delete(key)  # not sent, so the reader may ask again at once
        raise MailNotSent(str(exc)) from exc
