from django.urls import path  # noqa: F401  (the routes arrive with the views)

app_name = "miniflux"
urlpatterns: list = []
