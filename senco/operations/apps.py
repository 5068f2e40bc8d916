from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "senco.operations"
    label = "operations"
