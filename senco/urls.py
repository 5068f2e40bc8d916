from django.urls import include, path

from senco import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("school/", views.switch_school, name="switch_school"),
    path("accounts/", include("senco.accounts.urls")),
    path("pupils/", include("senco.pupils.urls")),
    path("register/", include("senco.register.urls")),
    path("concerns/", include("senco.concerns.urls")),
    path("classes/", include("senco.passports.class_urls")),
    path("plans/", include("senco.plans.school_urls")),
    path("meetings/", include("senco.meetings.school_urls")),
    path("provision/", include("senco.provision.urls")),
    path("ehcp/", include("senco.ehcp.school_urls")),
    path("assessment/", include("senco.assessment.urls")),
    path("imports/", include("senco.interop.urls")),
    path("audit/", include("senco.audit.urls")),
    path("calendar/", include("senco.interop.calendar_urls")),
    path("api/", include("senco.api.urls")),
]

handler404 = "senco.errors.not_found"
handler403 = "senco.errors.forbidden"
