from django.urls import path

from senco.assessment import exports, views

app_name = "assessment"
urlpatterns = [
    path("", views.type_list, name="types"),
    path("types/new/", views.type_create, name="type_create"),
    path("types/<uuid:public_id>/", views.type_change, name="type_change"),
    path(
        "types/<uuid:public_id>/results.csv",
        exports.results,
        {"fmt": "csv"},
        name="results_csv",
    ),
    path(
        "types/<uuid:public_id>/results.xlsx",
        exports.results,
        {"fmt": "xlsx"},
        name="results_xlsx",
    ),
    path("record/", views.record_choose, name="record"),
    path("record/<uuid:type_id>/<uuid:group_id>/", views.record_grid, name="grid"),
]
