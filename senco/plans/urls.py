"""Included by senco/pupils/urls.py at pupils/<uuid:public_id>/plan/."""

from django.urls import path

from senco.plans import document_urls, views

app_name = "plans"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("start/", views.start, name="start"),
    path("cycles/<uuid:cycle_id>/", views.cycle_detail, name="cycle"),
    path("cycles/<uuid:cycle_id>/edit/", views.edit, name="edit"),
    path("cycles/<uuid:cycle_id>/notes/", views.add_note, name="note"),
    path("cycles/<uuid:cycle_id>/parent-view/", views.parent_view, name="parent_view"),
    path("cycles/<uuid:cycle_id>/review/", views.review, name="review"),
    path("cycles/<uuid:cycle_id>/versions/<int:number>/", views.version, name="version"),
    *document_urls.urlpatterns,
]
