from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "senco.concerns"
    label = "concerns"
