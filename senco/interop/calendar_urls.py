"""Mounted at /calendar/: a person's private calendar feed (docs/calendar.md)."""

from django.urls import path

from senco.interop import calendar_views as views

app_name = "calendar"
urlpatterns = [
    path("", views.page, name="page"),
    path("new/", views.make, name="make"),
    path("stop/", views.stop, name="stop"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
