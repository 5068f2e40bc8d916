from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "senco.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # The schema's description of the bearer token registers itself on import.
        from senco.api import schema  # noqa: F401
