"""Mounted at /plans/: the school's plans, and the reviews due."""

app_name = "plans"
urlpatterns: list = []
