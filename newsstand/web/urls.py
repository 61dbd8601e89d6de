from django.urls import path

from newsstand.web import views

app_name = "web"
urlpatterns = [
    path("", views.latest, name="latest"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("publishers/<slug:slug>/", views.publisher, name="publisher"),
    # Sections are free text from the feeds ("World", "Arts/Culture"), so any text routes, slashes included.
    path("sections/<path:section>/", views.section, name="section"),
]
