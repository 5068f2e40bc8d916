"""The provision reports' addresses (costs, the provision map): see senco/provision/urls.py."""

from django.urls import path

from senco.provision import report_views

urlpatterns = [
    path("costs/", report_views.cost_page, name="costs"),
    path("map/", report_views.map_page, name="map"),
    path("map.xlsx", report_views.map_xlsx, name="map_xlsx"),
]
