"""/fever/ (and /fever, as some clients are configured without the slash: a POST cannot follow a redirect)."""

from django.urls import path

from newsstand.api.fever import views

app_name = "fever"
urlpatterns = [
    path("fever/", views.endpoint, name="endpoint"),
    path("fever", views.endpoint),
]
