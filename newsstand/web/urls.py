from django.urls import path

from newsstand.web import views

app_name = "web"
urlpatterns = [
    path("", views.latest, name="latest"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("publishers/<slug:slug>/", views.publisher, name="publisher"),
    path("sections/<slug:section>/", views.section, name="section"),
]
