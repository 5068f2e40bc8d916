"""The impact pages' addresses, gathered by senco/provision/urls.py."""

from django.urls import path

from senco.provision import impact_views

urlpatterns = [
    path("groups/<uuid:public_id>/impact/", impact_views.group_impact, name="group_impact"),
    path("<uuid:public_id>/impact/", impact_views.provision_impact, name="provision_impact"),
    path("works/", impact_views.works, name="works"),
    path("works.pdf", impact_views.works_pdf, name="works_pdf"),
    path("works/<slug:name>.svg", impact_views.works_chart, name="works_chart"),
]
