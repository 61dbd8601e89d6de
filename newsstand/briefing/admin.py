"""The briefing in the admin: readers' choices, and each day's state (a day left SENDING is one whose worker died)."""

from django.contrib import admin

from newsstand.briefing.models import BriefingChoice, BriefingDay


@admin.register(BriefingChoice)
class BriefingChoiceAdmin(admin.ModelAdmin):
    list_display = ("user", "enabled", "hour", "time_zone", "updated_at")
    list_filter = ("enabled",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)


@admin.register(BriefingDay)
class BriefingDayAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "state", "queued_at", "finished_at", "error")
    list_filter = ("state", "day")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
