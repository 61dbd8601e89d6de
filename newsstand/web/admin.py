"""The admin's "View on site" for the models whose pages the web app serves: their admins live in their own apps,
which do not know the site's addresses (this module is loaded by the admin's autodiscovery, after theirs)."""

from django.contrib import admin

from newsstand.articles.models import Article
from newsstand.editorial.models import Pick
from newsstand.web.templatetags.links import page_url

for model in (Article, Pick):
    admin.site.get_model_admin(model).view_on_site = page_url
