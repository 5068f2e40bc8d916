from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "senco.documents"
    label = "documents"
