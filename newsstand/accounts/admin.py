"""Staff see and edit readers by email address (there is no username)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from newsstand.accounts import signals
from newsstand.accounts.models import User
from newsstand.core import clock


class _ChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class _CreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = _ChangeForm
    add_form = _CreationForm
    ordering = ("email",)
    list_display = ("email", "email_verified_at", "date_joined", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password", "email_verified_at")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)

    def save_model(self, request, obj: User, form, change: bool) -> None:
        """An address staff enter or mark verified counts as verified (they vouch for it, as `members create` does),
        and the trial follows as after a mailed link; the admin saves in a transaction, so both commit together."""
        if not change and obj.email_verified_at is None:
            obj.email_verified_at = clock.now()
        super().save_model(request, obj, form, change)
        if change and obj.email_verified_at is not None and "email_verified_at" in form.changed_data:
            signals.email_verified.send(User, user=obj, now=clock.now())
