from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "senco.plans"
    label = "plans"
    verbose_name = "Plans"
