"""The membership admin: staff see states and grant or extend; every user made in the admin gets a trial."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.membership.models import Grant, Membership, Status


def test_pages_render(admin_client, member):
    membership = Membership.objects.get(user=member)
    for name, args in [
        ("admin:membership_membership_changelist", ()),
        ("admin:membership_membership_change", (membership.pk,)),
        ("admin:membership_grant_changelist", ()),
        ("admin:membership_providerevent_changelist", ()),
        ("admin:membership_notice_changelist", ()),
    ]:
        assert admin_client.get(reverse(name, args=args)).status_code == 200, name


def test_staff_grant_until_a_date(admin_client, admin_user, member):
    membership = Membership.objects.get(user=member)
    url = reverse("admin:membership_membership_change", args=[membership.pk])
    response = admin_client.post(
        url,
        {"grant_until": "2099-06-30", "grant_note": "partner", "grants-TOTAL_FORMS": "0", "grants-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert membership.current_period_end == datetime(2099, 6, 30, 23, 59, 59, 999999, tzinfo=UTC)
    grant = Grant.objects.get()
    assert (grant.granted_by, grant.via, grant.note) == (admin_user, "admin", "partner")


def test_a_past_grant_date_is_a_form_error(admin_client, member):
    membership = Membership.objects.get(user=member)
    url = reverse("admin:membership_membership_change", args=[membership.pk])
    response = admin_client.post(
        url, {"grant_until": "2001-01-01", "grants-TOTAL_FORMS": "0", "grants-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 200
    assert "Choose today or a later day." in response.content.decode()
    assert not Grant.objects.exists()


def test_extend_action(admin_client, member, user_factory):
    other = user_factory("other@example.com")
    ids = list(Membership.objects.filter(user__in=[member, other]).values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:membership_membership_changelist"),
        {"action": "extend_30_days", "_selected_action": ids},
    )
    assert response.status_code == 302
    for membership in Membership.objects.filter(pk__in=ids):
        assert membership.status == Status.ACTIVE
        # from the trial's end: what was left is kept
        assert membership.current_period_end > datetime.now(UTC) + timedelta(days=43)
    assert Grant.objects.count() == 2


def test_a_user_added_in_the_admin_starts_a_trial(admin_client):
    add = reverse("admin:accounts_user_add")
    form = admin_client.get(add).context["adminform"].form
    data = {"password1": "a long enough passphrase", "password2": "a long enough passphrase"}
    data[User.USERNAME_FIELD] = "added@example.com"
    if "email" in form.fields:
        data["email"] = "added@example.com"
    if "usable_password" in form.fields:
        data["usable_password"] = "true"
    response = admin_client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(**{User.USERNAME_FIELD: "added@example.com"})
    assert Membership.objects.get(user=user).status == Status.TRIALING


def test_staff_marking_an_address_verified_starts_its_trial(admin_client):
    user = User.objects.create_user("unverified@example.com", "a long enough passphrase")
    assert Membership.objects.get(user=user).status == Status.UNVERIFIED
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    now = clock.now()
    data.update(
        groups=[], user_permissions=[], email_verified_at_0=f"{now:%Y-%m-%d}", email_verified_at_1=f"{now:%H:%M:%S}"
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.get(user=user).status == Status.TRIALING
