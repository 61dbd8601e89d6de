# ReadState's user is served by its unique (user, article) index: the FK's own index goes (see models.ReadState).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0004_remove_subscription_newest_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="readstate",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="read_states",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
