from django.apps import AppConfig


class EhcpConfig(AppConfig):
    name = "senco.ehcp"
    label = "ehcp"
    verbose_name = "EHC plans"
