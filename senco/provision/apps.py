from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "senco.provision"
    label = "provision"
    verbose_name = "Provision and interventions"
