"""Mounted at /classes/: the class view that takes passports' strategies into the classroom."""

from django.urls import path

from senco.passports import class_views

app_name = "classes"
urlpatterns = [
    path("", class_views.class_list, name="list"),
    path("<uuid:public_id>/", class_views.class_detail, name="detail"),
    path("<uuid:public_id>/class.pdf", class_views.class_pdf, name="pdf"),
    path("<uuid:public_id>/class.docx", class_views.class_docx, name="docx"),
]
