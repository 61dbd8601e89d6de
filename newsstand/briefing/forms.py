"""The account page's briefing form: on or off, the hour and the time zone (checked against the zone database)."""

from __future__ import annotations

from django import forms

from newsstand.briefing import schedule
from newsstand.briefing.models import DEFAULT_HOUR, DEFAULT_TIME_ZONE


class BriefingForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Send me the daily briefing")
    hour = forms.TypedChoiceField(
        choices=[(h, f"{h:02d}:00") for h in schedule.HOURS], coerce=int, initial=DEFAULT_HOUR, label="At"
    )
    time_zone = forms.CharField(
        max_length=64,
        initial=DEFAULT_TIME_ZONE,
        label="Time zone",
        help_text="Where you read it, as a place name: Europe/London, America/New_York, Asia/Tokyo.",
    )

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if not schedule.is_time_zone(name):
            raise forms.ValidationError(f"{name!r} is not a time zone we know: try a name such as Europe/London.")
        return name
