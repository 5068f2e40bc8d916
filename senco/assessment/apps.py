from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "senco.assessment"
    label = "assessment"
    verbose_name = "Assessment results"
