"""The group pages' addresses, gathered by senco/provision/urls.py."""

urlpatterns: list = []
