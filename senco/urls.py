from django.contrib.auth import views as auth_views
from django.urls import include, path

from senco import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("school/", views.switch_school, name="switch_school"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("pupils/", include("senco.pupils.urls")),
]

handler404 = "senco.errors.not_found"
handler403 = "senco.errors.forbidden"
