"""Mounted at /meetings/: the school's meetings with parents."""

app_name = "meetings"
urlpatterns: list = []
