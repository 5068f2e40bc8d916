"""The plan pages' addresses, gathered by senco/ehcp/urls.py (under /pupils/<id>/ehcp/)."""

from django.urls import path

from senco.ehcp import plan_views

urlpatterns = [
    path("", plan_views.plan, name="plan"),
    path("record/", plan_views.plan_record, name="plan_record"),
    path("<uuid:plan_id>/amend/", plan_views.plan_amend, name="plan_amend"),
    path("<uuid:plan_id>/details/", plan_views.plan_details, name="plan_details"),
    path("<uuid:plan_id>/cease/", plan_views.plan_cease, name="plan_cease"),
    path("<uuid:plan_id>/versions/<int:number>/", plan_views.plan_version, name="plan_version"),
    path("<uuid:plan_id>/delivery/", plan_views.plan_delivery, name="plan_delivery"),
]
