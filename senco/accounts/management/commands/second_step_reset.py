"""Let a person who lost their authenticator and their recovery codes back in.

    senco second_step_reset USERNAME

Removes every second step of the account and prints a new invitation link, which the person
opens to choose a password and set up a second step again. Check who they are before giving
them the link: it is as good as their password and second step together.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from senco.accounts import services
from senco.accounts.models import User


class Command(BaseCommand):
    help = "Remove a person's second steps and print a link to set one up again."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account has the user name {options['username']!r}.")
        with transaction.atomic():
            invitation = services.reset_second_step(None, user, send=False)
            token = services.new_token(invitation)
        self.stdout.write(
            f"Every second step of {user.username} was removed. Give them this link, valid for "
            f"{settings.SENCO_INVITATION_DAYS} days:\n{services.invitation_link(token)}"
        )
