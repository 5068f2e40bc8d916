from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "senco.pupils"
    label = "pupils"
