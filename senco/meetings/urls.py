"""Included by senco/pupils/urls.py at pupils/<uuid:public_id>/meetings/."""

from django.urls import path

from senco.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("schedule/", views.schedule, name="schedule"),
    path("held/", views.record_held, name="record_held"),
    path("<uuid:meeting_id>/", views.detail, name="detail"),
    path("<uuid:meeting_id>/change/", views.change, name="change"),
    path("<uuid:meeting_id>/record/", views.record, name="record"),
    path("<uuid:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:meeting_id>/invite/", views.invite, name="invite"),
    path("<uuid:meeting_id>/meeting.pdf", views.meeting_pdf, name="pdf"),
    path("<uuid:meeting_id>/meeting.docx", views.meeting_docx, name="docx"),
    path("chronology/", views.chronology, name="chronology"),
    path("chronology/<uuid:entry_id>/correct/", views.correct, name="correct"),
    path("chronology/<uuid:entry_id>/done/", views.follow_up_done, name="follow_up_done"),
]
