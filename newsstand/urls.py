from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("newsstand.api.urls")),  # before the pages: the APIs own their prefixes (api.urls.PREFIXES)
    path("", include("newsstand.web.urls")),
]
