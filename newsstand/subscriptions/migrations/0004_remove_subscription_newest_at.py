# The newest time per feed is read from the sightings' (feed, published_at) index (articles 0009) instead.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0003_unread_since_required"), ("articles", "0009_sighting_feed_date_index")]

    operations = [migrations.RemoveField(model_name="subscription", name="newest_at")]
