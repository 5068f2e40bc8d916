"""Mounted at /plans/: the school's plans, and the reviews due."""

from django.urls import path

from senco.plans import views

app_name = "plans"
urlpatterns = [path("reviews/", views.reviews_due, name="reviews_due")]
