from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "senco.meetings"
    label = "meetings"
    verbose_name = "Meetings with parents and the contact log"
