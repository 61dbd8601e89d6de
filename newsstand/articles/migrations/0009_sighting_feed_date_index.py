from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_sighting_published_at"), ("sources", "0004_private_sources")]

    operations = [
        migrations.AlterField(model_name="articlefeed", name="published_at", field=models.DateTimeField()),
        migrations.AddIndex(
            model_name="articlefeed",
            index=models.Index(fields=["feed", "published_at", "article"], name="sighting_feed_date_idx"),
        ),
        migrations.AlterField(
            model_name="articlefeed",
            name="feed",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="sightings",
                to="sources.feed",
            ),
        ),
    ]
