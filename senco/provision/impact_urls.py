"""The impact pages' addresses, gathered by senco/provision/urls.py."""

from django.urls import path

from senco.provision import impact_views

urlpatterns = [
    path("groups/<uuid:public_id>/impact/", impact_views.group_impact, name="group_impact"),
]
