"""Admin for memberships: see each member's state, grant or extend by hand (audited), look at what the billing
provider sent. Provider-reported fields are read-only: the provider's next event would overwrite an edit."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from newsstand.core import clock
from newsstand.membership import entitlements, services
from newsstand.membership.models import Grant, Membership, Notice, ProviderEvent

PROVIDER_FIELDS = (
    "status",
    "trial_ends_at",
    "current_period_end",
    "past_due_since",
    "plan",
    "provider",
    "customer_id",
    "subscription_id",
    "state_as_of",
    "failed_invoice",
)


class MembershipForm(forms.ModelForm):
    grant_until = forms.DateField(
        required=False,
        help_text="Give or extend the membership through this day (inclusive, UTC). Recorded under Grants.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    grant_note = forms.CharField(required=False, max_length=255, help_text="Why (kept with the grant).")

    class Meta:
        model = Membership
        fields: tuple[str, ...] = ()

    def clean_grant_until(self):
        day = self.cleaned_data.get("grant_until")
        if day and services.end_of_day(day) <= clock.now():
            raise forms.ValidationError("Choose today or a later day.")
        return day


class GrantInline(admin.TabularInline):
    model = Grant
    fk_name = "membership"
    extra = 0
    can_delete = False
    fields = ("created_at", "until", "previous_status", "previous_until", "granted_by", "via", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "state_now", "plan", "provider", "trial_ends_at", "current_period_end")
    list_filter = ("status", "provider", "plan")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    readonly_fields = ("user", "state_now", *PROVIDER_FIELDS)
    fields = ("user", "state_now", *PROVIDER_FIELDS, "grant_until", "grant_note")
    inlines = [GrantInline]
    actions = ["extend_30_days", "extend_365_days"]

    @admin.display(description="state now")
    def state_now(self, membership: Membership) -> str:
        return entitlements.state_at(membership, clock.now()).label

    def has_add_permission(self, request) -> bool:
        return False  # every user has one from sign-up; grant on theirs

    def save_model(self, request, obj: Membership, form, change) -> None:
        day = form.cleaned_data.get("grant_until")
        if day:
            until = services.end_of_day(day)
            note = form.cleaned_data.get("grant_note", "")
            services.grant(obj.user, until=until, now=clock.now(), by=request.user, via="admin", note=note)

    @admin.action(description="Extend the selected memberships by 30 days")
    def extend_30_days(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._extend(request, queryset, days=30)

    @admin.action(description="Extend the selected memberships by 365 days")
    def extend_365_days(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._extend(request, queryset, days=365)

    def _extend(self, request: HttpRequest, queryset: QuerySet[Membership], *, days: int) -> None:
        now = clock.now()
        for membership in queryset.select_related("user"):
            services.extend(membership.user, days=days, now=now, by=request.user, via="admin")
        self.message_user(request, f"Extended {queryset.count()} membership(s) by {days} days.", messages.SUCCESS)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Grant)
class GrantAdmin(_ReadOnly):
    list_display = ("membership", "until", "previous_status", "previous_until", "granted_by", "via", "created_at")
    list_filter = ("via",)
    search_fields = ("membership__user__email",)
    list_select_related = ("membership__user", "granted_by")


@admin.register(ProviderEvent)
class ProviderEventAdmin(_ReadOnly):
    list_display = ("provider", "type", "event_id", "created", "received_at", "outcome")
    list_filter = ("provider", "type", "outcome")
    search_fields = ("event_id",)


@admin.register(Notice)
class NoticeAdmin(_ReadOnly):
    list_display = ("membership", "kind", "key", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("membership__user",)
