from django.urls import include, path

from senco.interop import views as interop_views
from senco.pupils import exports, reports, views

app_name = "pupils"
urlpatterns = [
    path("", views.pupil_list, name="list"),
    path("export.csv", exports.pupil_list, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", exports.pupil_list, {"fmt": "xlsx"}, name="export_xlsx"),
    path("register.csv", exports.register, {"fmt": "csv"}, name="register_csv"),
    path("register.xlsx", exports.register, {"fmt": "xlsx"}, name="register_xlsx"),
    path("<uuid:public_id>/", views.pupil_detail, name="detail"),
    path("<uuid:public_id>/register/", views.register_change, name="register_change"),
    path("<uuid:public_id>/access/", views.record_access, name="access"),
    path("<uuid:public_id>/photo/", views.photo, name="photo"),
    path("<uuid:public_id>/ctf/", interop_views.transfer_pupil, name="transfer"),
    path("<uuid:public_id>/passport/", include("senco.passports.urls")),
    path("<uuid:public_id>/plan/", include("senco.plans.urls")),
    path("<uuid:public_id>/meetings/", include("senco.meetings.urls")),
    path("<uuid:public_id>/ehcp/", include("senco.ehcp.urls")),
    path("<uuid:public_id>/reports/", reports.report_list, name="reports"),
    path("<uuid:public_id>/reports/<uuid:report_id>/", reports.report, name="report"),
    path(
        "<uuid:public_id>/contacts/<uuid:contact_id>/confidential/",
        views.contact_confidential,
        name="contact_confidential",
    ),
]
