"""The library pages' addresses, gathered by senco/provision/urls.py."""

urlpatterns: list = []
