"""/api/: the endpoints (token only), the schema and its docs (open), and the tokens pages (signed
in). Ids in addresses are public ids; any other address under /api/ is a 404 in the API's
format."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from senco.api import token_views, views

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html", title="OpenSENCO API"
        ),
        name="docs",
    ),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/new/", token_views.token_create, name="token_create"),
    path("tokens/<uuid:public_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("pupils/", views.PupilList.as_view(), name="pupils"),
    path("pupils/<str:public_id>/", views.PupilDetail.as_view(), name="pupil"),
    path("pupils/<str:public_id>/sen/", views.PupilSen.as_view(), name="pupil_sen"),
    path("pupils/<str:public_id>/contacts/", views.PupilContacts.as_view(), name="pupil_contacts"),
    path("pupils/<str:public_id>/results/", views.PupilResults.as_view(), name="pupil_results"),
    path("assessment-types/", views.AssessmentTypes.as_view(), name="assessment_types"),
    re_path(r"^", views.NoSuchAddress.as_view()),
]
