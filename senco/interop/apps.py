from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "senco.interop"
    label = "interop"
    verbose_name = "Imports and exports"
