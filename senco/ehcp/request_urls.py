"""The request pages' addresses, gathered by senco/ehcp/urls.py (pupils/<uuid:public_id>/ehcp/,
namespace "pupils:ehcp")."""

from django.urls import path

from senco.ehcp import request_views as views

urlpatterns = [
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request"),
    path("requests/<uuid:request_id>/stage/", views.request_stage, name="request_stage"),
    path(
        "requests/<uuid:request_id>/exception/", views.request_exception, name="request_exception"
    ),
    path(
        "requests/<uuid:request_id>/evidence.pdf", views.request_evidence, name="request_evidence"
    ),
]
