"""Mounted at /meetings/: the school's meetings with parents."""

from django.urls import path

from senco.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.upcoming, name="list"),
    path("behind/", views.behind, name="behind"),
]
