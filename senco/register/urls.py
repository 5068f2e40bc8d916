from django.urls import path

from senco.register import views

app_name = "register"
urlpatterns = [
    path("", views.register_list, name="list"),
    path("print/", views.register_print, name="print"),
    path("census/", views.census_check, name="census"),
    path("charts/", views.register_charts, name="charts"),
    path("charts/<slug:name>.svg", views.register_chart, name="chart"),
]
