"""The plain-English check and the documents of a plan; appended to senco/plans/urls.py
(mounted at pupils/<uuid:public_id>/plan/, namespace "pupils:plans")."""

from django.urls import path

from senco.plans import documents

urlpatterns = [
    path("plain-english/", documents.plain_english_check, name="plain_english"),
    path("plan.pdf", documents.plan_pdf, name="pdf"),
    path("plan.docx", documents.plan_docx, name="docx"),
    path("cycles/<uuid:cycle_id>/review.pdf", documents.review_pdf, name="review_pdf"),
    path("cycles/<uuid:cycle_id>/review.docx", documents.review_docx, name="review_docx"),
]
