"""Included by senco/pupils/urls.py at pupils/<uuid:public_id>/meetings/."""

app_name = "meetings"
urlpatterns: list = []
