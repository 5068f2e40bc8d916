"""The caseload pages' addresses, gathered by senco/ehcp/urls.py or school_urls.py."""

from django.urls import path

from senco.ehcp import caseload_views, consultation_views

urlpatterns = [
    path("", caseload_views.caseload_page, name="caseload"),
    path("caseload.ics", caseload_views.caseload_ics, name="caseload_ics"),
    path("consultations/", consultation_views.consultation_list, name="consultations"),
    path("consultations/new/", consultation_views.consultation_new, name="consultation_new"),
    path(
        "consultations/<uuid:consultation_id>/",
        consultation_views.consultation_detail,
        name="consultation",
    ),
]
