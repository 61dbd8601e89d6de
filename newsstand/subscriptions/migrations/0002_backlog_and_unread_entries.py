# The backlog window (Subscription.unread_since), the newest publication time per subscription, and the rows of
# unread entries (UnreadEntry), filled for subscriptions made before them; 0003 then makes unread_since required,
# in a transaction of its own (PostgreSQL alters no table with row changes pending in the same one). Written by
# hand: the fill is SQL of its own (a snapshot of services.rebuild_unread's definition), so later changes to the
# services cannot change what it did.

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor) -> None:
    Subscription = apps.get_model("subscriptions", "Subscription")
    days = max(0, getattr(settings, "NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS", 30))
    rows = list(Subscription.objects.only("created_at"))
    for row in rows:
        row.unread_since = row.created_at - timedelta(days=days)
    Subscription.objects.bulk_update(rows, ["unread_since"], batch_size=500)
    if not rows:
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE subscriptions_subscription SET newest_at = (SELECT MAX(a.published_at)"
            " FROM articles_articlefeed af JOIN articles_article a ON a.id = af.article_id"
            " WHERE af.feed_id = subscriptions_subscription.feed_id)"
        )
        cursor.execute(
            "INSERT INTO subscriptions_unreadentry (user_id, article_id, feed_id, published_at)"
            " SELECT s.user_id, af.article_id, MIN(af.feed_id), a.published_at"
            " FROM subscriptions_subscription s"
            " JOIN articles_articlefeed af ON af.feed_id = s.feed_id"
            " JOIN articles_article a ON a.id = af.article_id"
            " LEFT JOIN subscriptions_readstate r ON r.user_id = s.user_id AND r.article_id = af.article_id"
            " GROUP BY s.user_id, af.article_id, a.published_at, r.read"
            " HAVING (r.read IS NULL AND MAX(CASE WHEN a.published_at >= s.unread_since THEN 1 ELSE 0 END) = 1)"
            " OR r.read = %s",
            [False],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_private_index"),
        ("sources", "0004_private_sources"),
        ("subscriptions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="unread_since",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="newest_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="UnreadEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("published_at", models.DateTimeField()),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.article"
                    ),
                ),
                (
                    "feed",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="sources.feed"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user", "published_at", "article"], name="unread_user_date_idx"),
                    models.Index(fields=["user", "feed", "published_at"], name="unread_user_feed_idx"),
                ],
                "constraints": [models.UniqueConstraint(fields=("user", "article"), name="unread_entry_unique")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
