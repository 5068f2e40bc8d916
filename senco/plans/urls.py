"""Included by senco/pupils/urls.py at pupils/<uuid:public_id>/plan/."""

app_name = "plans"
urlpatterns: list = []
