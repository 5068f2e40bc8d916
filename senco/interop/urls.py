from django.urls import path

from senco.interop import views

app_name = "interop"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("disagreements/", views.discrepancies, name="discrepancies"),
    path("ctf/", views.transfer_out, name="transfer_out"),
    path("<uuid:public_id>/", views.import_detail, name="detail"),
]
