"""Users made before memberships existed get the same free trial a new sign-up gets, starting now."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations

from newsstand.core import clock


def start_trials(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Membership = apps.get_model("membership", "Membership")
    now = clock.now()
    trial_end = now + timedelta(days=settings.MEMBERSHIP_TRIAL_DAYS)
    without = User.objects.filter(membership__isnull=True).values_list("pk", flat=True)
    Membership.objects.bulk_create(
        [
            Membership(user_id=pk, status="trialing", trial_ends_at=trial_end, created_at=now, updated_at=now)
            for pk in without.iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("membership", "0001_initial")]

    operations = [migrations.RunPython(start_trials, migrations.RunPython.noop)]
