"""The briefing's actions: a reader's choice, unsubscribing, claiming the due days, and sending one day's mail.

At most one briefing a day per reader, whatever runs twice: the tick claims a day by creating its row (unique per
reader and day: a second tick, on this node or another, gets an IntegrityError and queues nothing), and the task
takes the row from QUEUED to SENDING in one conditional UPDATE before it sends (a task run twice, or by two
workers, finds it taken). A worker killed after that leaves the day SENDING: never sent again.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction

from newsstand.accounts.models import User
from newsstand.briefing import compose, schedule, selectors
from newsstand.briefing.links import Links
from newsstand.briefing.models import BriefingChoice, BriefingDay, DayState

logger = logging.getLogger(__name__)


def choose(user: User, *, enabled: bool, hour: int, time_zone: str, now: datetime) -> BriefingChoice:
    """Turn the briefing on or off, at `hour` (0-23) in `time_zone` (an IANA name). Raises ValidationError."""
    if hour not in schedule.HOURS:
        raise ValidationError("Choose an hour from 0 to 23.", code="hour")
    if not schedule.is_time_zone(time_zone):
        raise ValidationError(f"{time_zone!r} is not a time zone we know (e.g. Europe/London).", code="time_zone")
    choice, _ = BriefingChoice.objects.update_or_create(
        user=user, defaults={"enabled": enabled, "hour": hour, "time_zone": time_zone, "updated_at": now}
    )
    return choice


def unsubscribe(user_id: int, *, now: datetime) -> bool:
    """Turn the reader's briefing off; False when there was none on (or no such reader). Idempotent."""
    return bool(BriefingChoice.objects.filter(user_id=user_id, enabled=True).update(enabled=False, updated_at=now))


def claim(user_id: int, day: date, *, now: datetime) -> BriefingDay | None:
    """The reader's row for `day`, made now; None when one exists already (claimed by another tick)."""
    try:
        with transaction.atomic():
            return BriefingDay.objects.create(user_id=user_id, day=day, queued_at=now)
    except IntegrityError:
        return None


def queue_due(*, now: datetime, links: Links) -> list[selectors.Due]:
    """Claim every briefing due at `now` and queue a task to send each (once the claim has committed)."""
    from newsstand.briefing import tasks

    queued = []
    for due in selectors.due(now=now):
        row = claim(due.user_id, due.day, now=now)
        if row is not None:
            transaction.on_commit(lambda pk=row.pk: tasks.send_briefing.enqueue(pk, links.to_json()))
            queued.append(due)
    return queued


def take(day_id: int) -> bool:
    """Move the day from QUEUED to SENDING; True for the one caller that did it."""
    return bool(BriefingDay.objects.filter(pk=day_id, state=DayState.QUEUED).update(state=DayState.SENDING))


def send(day_id: int, *, links: Links, now: datetime) -> str:
    """Send one claimed day's briefing, if nobody took it yet; returns the state it ends in (or why nothing was
    done). The reader may have turned it off or lost their verified address since the tick: then it is skipped."""
    if not take(day_id):
        return "taken"
    row = BriefingDay.objects.select_related("user").get(pk=day_id)
    user = row.user
    choice = selectors.choice_of(user)
    if not (choice and choice.enabled and user.is_active and user.email_verified):
        return _finish(row, DayState.SKIPPED, now=now, error="off, inactive or unverified when it came to be sent")
    briefing = compose.gather(user, day=row.day, now=now, links=links)
    if not briefing:
        return _finish(row, DayState.SKIPPED, now=now, error="nothing to send")
    try:
        message(briefing, links=links).send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("briefing %s for user %s not sent: %s", row.day, user.pk, exc)
        return _finish(row, DayState.FAILED, now=now, error=str(exc)[:500])
    return _finish(row, DayState.SENT, now=now)


def message(briefing: compose.Briefing, *, links: Links) -> EmailMultiAlternatives:
    """The mail: plain text and HTML, with one-click unsubscribe headers (RFC 2369 List-Unsubscribe, RFC 8058
    List-Unsubscribe-Post: a mail client POSTs `List-Unsubscribe=One-Click` to the https address; a site whose
    NEWSSTAND_SITE_URL is plain http, for development, gets the link without the one-click promise)."""
    rendered = compose.render(briefing)
    targets = [f"<{briefing.unsubscribe_url}>"]
    if links.unsubscribe_mailto:
        targets.append(f"<mailto:{links.unsubscribe_mailto}?subject=unsubscribe>")
    headers = {"List-Unsubscribe": ", ".join(targets), "Auto-Submitted": "auto-generated"}
    if briefing.unsubscribe_url.startswith("https://"):  # RFC 8058 one-click is for https addresses only
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[briefing.email],
        headers=headers,
    )
    mail.attach_alternative(rendered.html, "text/html")
    return mail


def _finish(row: BriefingDay, state: str, *, now: datetime, error: str = "") -> str:
    BriefingDay.objects.filter(pk=row.pk).update(state=state, finished_at=now, error=error)
    return state
