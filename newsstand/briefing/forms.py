"""The account page's briefing form: on or off, the hour and the time zone (one of the zone database's names)."""

from __future__ import annotations

from django import forms

from newsstand.briefing import schedule
from newsstand.briefing.models import DEFAULT_HOUR, DEFAULT_TIME_ZONE


class BriefingForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Send me the daily briefing")
    hour = forms.TypedChoiceField(
        choices=[(h, f"{h:02d}:00") for h in schedule.HOURS], coerce=int, initial=DEFAULT_HOUR, label="At"
    )
    time_zone = forms.ChoiceField(
        choices=lambda: [(name, name.replace("_", " ")) for name in schedule.time_zones()],
        initial=DEFAULT_TIME_ZONE,
        label="Time zone",
        help_text="Where you read it: Europe/London, America/New York, Asia/Tokyo…",
    )

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"]
        if not schedule.is_time_zone(name):  # listed, but its zone file cannot be read
            raise forms.ValidationError(f"{name!r} is not a time zone we can use: choose another.")
        return name
