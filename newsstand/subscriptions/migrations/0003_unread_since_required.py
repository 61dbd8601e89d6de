from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0002_backlog_and_unread_entries")]

    operations = [
        migrations.AlterField(model_name="subscription", name="unread_since", field=models.DateTimeField()),
    ]
