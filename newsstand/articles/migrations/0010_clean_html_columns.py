import newsstand.articles.models
from django.db import migrations


class Migration(migrations.Migration):
    """The columns stay as they are: only how Python reads them changes (CleanHtml). Without
    SeparateDatabaseAndState, SQLite would copy the whole article table to alter nothing."""

    dependencies = [("articles", "0009_sighting_feed_date_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="body_html",
                    field=newsstand.articles.models.CleanHtmlField(blank=True, help_text="Sanitised body; trusted HTML."),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="summary",
                    field=newsstand.articles.models.CleanHtmlField(
                        blank=True, help_text="Sanitised standfirst / feed summary."
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
