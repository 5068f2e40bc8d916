"""The request pages' addresses, gathered by senco/ehcp/urls.py or school_urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
