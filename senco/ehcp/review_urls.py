"""The review pages' addresses, gathered by senco/ehcp/urls.py (mounted at
pupils/<uuid:public_id>/ehcp/, namespace "pupils:ehcp")."""

from django.urls import path

from senco.ehcp import review_documents, review_views

REVIEW = "reviews/<uuid:review_id>/"

urlpatterns = [
    path("<uuid:plan_id>/reviews/new/", review_views.review_new, name="review_new"),
    path(REVIEW, review_views.review, name="review"),
    path(f"{REVIEW}change/", review_views.review_change, name="review_change"),
    path(f"{REVIEW}invite/", review_views.review_invite, name="review_invite"),
    path(f"{REVIEW}contributions/", review_views.review_contributions,
         name="review_contributions"),
    path(f"{REVIEW}paperwork/", review_views.review_paperwork, name="review_paperwork"),
    path(f"{REVIEW}record/", review_views.review_record, name="review_record"),
    path(f"{REVIEW}report/", review_views.review_report, name="review_report"),
    path(f"{REVIEW}decision/", review_views.review_decision, name="review_decision"),
    path(f"{REVIEW}<str:document>.<str:fmt>", review_documents.review_document,
         name="review_document"),
]  # fmt: skip
