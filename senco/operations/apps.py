from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "senco.operations"
    label = "operations"

    def ready(self) -> None:
        from senco.operations import checks  # noqa: F401  (registers the deployment checks)
