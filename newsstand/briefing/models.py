"""A reader's daily briefing: their choice (on or off, the hour, the time zone) and one row per briefing day.

`BriefingDay` is the claim that makes a briefing go at most once a day: the periodic tick creates the row (unique
per reader and day) before it queues the task, and the task moves it from QUEUED to SENDING with one conditional
UPDATE, which only one worker can win. A worker killed while SENDING leaves the row there: that day is never sent
again (at most once; the row tells the operator).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

DEFAULT_HOUR = 7
DEFAULT_TIME_ZONE = "UTC"


class BriefingChoice(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="briefing")
    enabled = models.BooleanField(default=False)
    hour = models.PositiveSmallIntegerField(default=DEFAULT_HOUR, help_text="Local hour (0-23) it is sent at.")
    time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE, help_text="An IANA name: Europe/Paris.")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(hour__lte=23), name="briefing_hour_in_day")]
        indexes = [models.Index(fields=["enabled", "time_zone"], name="briefing_enabled_tz_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.enabled else 'off'} at {self.hour}h {self.time_zone}"


class DayState(models.TextChoices):
    QUEUED = "queued", "Queued"  # claimed by the tick, a task is on its way
    SENDING = "sending", "Sending"  # a worker took it (stays here if that worker died mid-send)
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"  # the reader unsubscribed or lost their verified address in between
    FAILED = "failed", "Failed"  # the mail server refused it or could not be reached (not retried: at most once)


class BriefingDay(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="briefing_days")
    day = models.DateField(help_text="The reader's local date the briefing is for.")
    state = models.CharField(max_length=16, choices=DayState.choices, default=DayState.QUEUED)
    queued_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="briefing_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.state}"
