"""The group pages' addresses, gathered by senco/provision/urls.py."""

from django.urls import path

from senco.provision import group_views

urlpatterns = [
    path("groups/", group_views.group_list, name="groups"),
    path("groups/new/", group_views.group_new, name="group_new"),
    path("groups/<uuid:public_id>/", group_views.group_detail, name="group"),
    path("groups/<uuid:public_id>/sessions/new/", group_views.session_new, name="session_new"),
    path("groups/<uuid:public_id>/results/", group_views.group_results, name="group_results"),
]
