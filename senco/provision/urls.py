"""Mounted at /provision/: the provision library, the standard rates, and intervention groups."""

from senco.provision import gap_urls, group_urls, impact_urls, library_urls, report_urls

app_name = "provision"
urlpatterns = [
    *library_urls.urlpatterns,
    *group_urls.urlpatterns,
    *report_urls.urlpatterns,
    *gap_urls.urlpatterns,
    *impact_urls.urlpatterns,
]
