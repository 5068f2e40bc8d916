"""Included by senco/pupils/urls.py at pupils/<uuid:public_id>/ehcp/: one pupil's EHC work."""

from senco.ehcp import plan_urls, request_urls, review_urls

app_name = "ehcp"
urlpatterns = [
    *plan_urls.urlpatterns,
    *request_urls.urlpatterns,
    *review_urls.urlpatterns,
]
