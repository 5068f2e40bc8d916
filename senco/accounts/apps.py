from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "senco.accounts"
    label = "accounts"

    def ready(self) -> None:
        from senco.accounts import signals  # noqa: F401  (connects the receivers)
