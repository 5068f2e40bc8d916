"""The provision reports' addresses (costs, the provision map): see senco/provision/urls.py."""

urlpatterns: list = []
