"""The library pages' addresses, gathered by senco/provision/urls.py."""

from django.urls import path

from senco.provision import library_views

urlpatterns = [
    path("", library_views.library, name="library"),
    path("new/", library_views.library_new, name="library_new"),
    path("rates/", library_views.rates, name="rates"),
    path("<uuid:public_id>/", library_views.library_detail, name="library_detail"),
    path("<uuid:public_id>/edit/", library_views.library_edit, name="library_edit"),
]
