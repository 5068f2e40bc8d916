from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "senco.schools"
    label = "schools"
