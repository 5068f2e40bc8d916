from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "senco.demo"
    label = "demo"
