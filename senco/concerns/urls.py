from django.urls import path

from senco.concerns import views

app_name = "concerns"
urlpatterns = [
    path("", views.concern_list, name="list"),
    path("new/", views.raise_concern, name="raise"),
    path("monitoring/", views.monitoring_list, name="monitoring"),
    path("monitoring/<uuid:public_id>/", views.monitoring_entry, name="monitoring_entry"),
    path("<uuid:public_id>/", views.concern_detail, name="detail"),
    path(
        "<uuid:public_id>/attachments/<uuid:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
