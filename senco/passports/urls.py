"""Included by senco/pupils/urls.py at pupils/<uuid:public_id>/passport/."""

from django.urls import path

from senco.passports import views

app_name = "passports"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("edit/", views.edit, name="edit"),
    path("read/", views.acknowledge, name="acknowledge"),
    path("suggest/", views.suggest, name="suggest"),
    path("suggestions/<uuid:suggestion_id>/", views.answer, name="answer"),
    path("passport.pdf", views.passport_pdf, name="pdf"),
    path("passport.docx", views.passport_docx, name="docx"),
]
