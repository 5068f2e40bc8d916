from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "senco.register"
    label = "register"
