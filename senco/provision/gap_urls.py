"""The gaps page's address, gathered by senco/provision/urls.py."""

from django.urls import path

from senco.provision import gap_views

urlpatterns = [path("gaps/", gap_views.gap_list, name="gaps")]
