"""Sign-in addresses: django-allauth's, less the ones OpenSENCO does not offer (self sign-up,
email management, sign-in by emailed code), plus invitations."""

from allauth.account import urls as account_urls
from allauth.socialaccount.providers.openid_connect import urls as school_sign_in_urls
from django.urls import include, path

from senco.accounts import views

OFFERED = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_reauthenticate",
    "account_change_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
}

urlpatterns = [
    *(p for p in account_urls.urlpatterns if getattr(p, "name", None) in OFFERED),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/", include("allauth.socialaccount.urls")),
    path("", include(school_sign_in_urls.urlpatterns)),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/new/", views.invite, name="invite"),
    path("invitations/<uuid:public_id>/", views.change_invitation, name="change_invitation"),
    path("invitations/parent/<uuid:public_id>/", views.invite_parent, name="invite_parent"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
