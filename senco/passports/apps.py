from django.apps import AppConfig


class PassportsConfig(AppConfig):
    name = "senco.passports"
    label = "passports"
