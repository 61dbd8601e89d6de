"""Account mail: a subject and a plain-text body per message, both templates (accounts/mail/NAME_subject.txt and
NAME.txt), sent through whichever Django email backend the settings name (console, SMTP)."""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server refused the message or could not be reached; the reader can ask again later."""


def send(name: str, *, to: str, context: dict[str, object]) -> None:
    subject = " ".join(render_to_string(f"accounts/mail/{name}_subject.txt", context).split())
    body = render_to_string(f"accounts/mail/{name}.txt", context)
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("mail %s not sent: %s", name, exc)
        raise MailNotSent(str(exc)) from exc
