# A sighting carries its article's publication time (ArticleFeed.published_at), filled here for the sightings
# stored before; 0009 makes it required and indexes (feed, published_at, article), in a transaction of its own.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_private_index")]

    operations = [
        migrations.AddField(model_name="articlefeed", name="published_at", field=models.DateTimeField(null=True)),
        migrations.RunSQL(
            "UPDATE articles_articlefeed SET published_at ="
            " (SELECT a.published_at FROM articles_article a WHERE a.id = articles_articlefeed.article_id)",
            migrations.RunSQL.noop,
        ),
    ]
