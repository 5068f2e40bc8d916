"""Mounted at /ehcp/: the school's EHC caseload, its deadlines and the LA consultations."""

from senco.ehcp import caseload_urls

app_name = "ehcp"
urlpatterns = [*caseload_urls.urlpatterns]
